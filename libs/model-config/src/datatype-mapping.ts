import { invalidArg, type Datatype } from '@flotilla/contracts';
import type { DataType } from './model-config.types';

/**
 * Model-config data types (`TYPE_FP32`) ↔ KServe tensor datatypes (`FP32`). The names match after
 * the prefix except that the config's TYPE_STRING travels as BYTES.
 */
export function dataTypeToDatatype(dataType: DataType): Datatype {
  if (dataType === 'TYPE_INVALID') throw invalidArg("data type 'TYPE_INVALID' has no tensor datatype");
  return dataType === 'TYPE_STRING' ? 'BYTES' : (dataType.slice('TYPE_'.length) as Datatype);
}

export function datatypeToDataType(datatype: Datatype): DataType {
  return datatype === 'BYTES' ? 'TYPE_STRING' : `TYPE_${datatype}`;
}
