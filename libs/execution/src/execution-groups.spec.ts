import type { Tensor } from '@flotilla/contracts';
import { groupIntoExecutions, type BatchableRequest } from './execution-groups';

const fp32 = (name: string, shape: number[]): Tensor => ({ name, datatype: 'FP32', shape, data: new Uint8Array(shape.reduce((a, b) => a * b, 1) * 4) });
const request = (rows: number, width = 16, names = ['INPUT0', 'INPUT1']): BatchableRequest => ({ inputs: names.map((name) => fp32(name, [rows, width])), batchSize: rows });

describe('groupIntoExecutions', () => {
  it('runs requests whose inputs agree beyond dim 0 as one execution, in request order', () => {
    expect(groupIntoExecutions([request(1), request(2), request(3)], 8)).toEqual([[0, 1, 2]]);
  });

  it('keeps apart requests whose other dimensions differ, without failing them', () => {
    expect(groupIntoExecutions([request(1, 16), request(1, 8), request(2, 16), request(1, 8)], 8)).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it('keeps apart requests with different inputs (an optional input given by one only) or datatypes', () => {
    const int32: BatchableRequest = { inputs: [{ ...fp32('INPUT0', [1, 16]), datatype: 'INT32' }, fp32('INPUT1', [1, 16])], batchSize: 1 };
    expect(groupIntoExecutions([request(1), request(1, 16, ['INPUT0']), int32, request(1)], 8)).toEqual([[0, 3], [1], [2]]);
  });

  it('does not care in which order a request lists its inputs', () => {
    expect(groupIntoExecutions([request(1, 16, ['INPUT0', 'INPUT1']), request(1, 16, ['INPUT1', 'INPUT0'])], 8)).toEqual([[0, 1]]);
  });

  it('never lets an execution exceed max_batch_size rows', () => {
    expect(groupIntoExecutions([request(3), request(3), request(2), request(1)], 6)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(groupIntoExecutions([request(4), request(4), request(1)], 4)).toEqual([[0], [1], [2]]);
  });

  it('runs every request alone for a model without a batch dimension (max_batch_size 0)', () => {
    expect(groupIntoExecutions([request(1), request(1)], 0)).toEqual([[0], [1]]);
  });
});
