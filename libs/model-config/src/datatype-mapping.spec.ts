import { DATATYPES, FlotillaError } from '@flotilla/contracts';
import { dataTypeToDatatype, datatypeToDataType } from './datatype-mapping';
import { DATA_TYPES } from './model-config.types';

describe('data type mapping', () => {
  it.each([
    ['TYPE_FP32', 'FP32'],
    ['TYPE_STRING', 'BYTES'],
    ['TYPE_BOOL', 'BOOL'],
    ['TYPE_BF16', 'BF16'],
    ['TYPE_UINT64', 'UINT64'],
  ] as const)('%s ⇔ %s', (dataType, datatype) => {
    expect(dataTypeToDatatype(dataType)).toBe(datatype);
    expect(datatypeToDataType(datatype)).toBe(dataType);
  });

  it('maps every config data type to a tensor datatype and back', () => {
    const valid = DATA_TYPES.filter((dataType) => dataType !== 'TYPE_INVALID');
    expect(valid.map(dataTypeToDatatype).sort()).toEqual([...DATATYPES].sort());
    for (const dataType of valid) expect(datatypeToDataType(dataTypeToDatatype(dataType))).toBe(dataType);
  });

  it('has no tensor datatype for TYPE_INVALID', () => {
    expect(() => dataTypeToDatatype('TYPE_INVALID')).toThrow(new FlotillaError('INVALID_ARG', "data type 'TYPE_INVALID' has no tensor datatype"));
  });
});
