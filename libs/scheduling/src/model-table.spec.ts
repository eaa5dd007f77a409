import type { ModelRecord } from '@flotilla/contracts';
import { ModelTable } from './model-table';

const record = (versions: [number, 'READY' | 'UNAVAILABLE'][]): ModelRecord => ({
  name: 'm',
  reason: '',
  versions: versions.map(([version, state]) => ({ version, state, reason: '', path: `/r/m/${version}/model.onnx` })),
});

describe('ModelTable.resolve', () => {
  it('picks the highest READY version when none is requested', () => {
    const table = new ModelTable();
    table.upsert(record([[1, 'READY'], [3, 'UNAVAILABLE'], [2, 'READY']]));
    expect(table.resolve('m', '')).toBe(2);
    expect(table.resolve('m', '1')).toBe(1);
  });

  it("uses Triton's error texts and codes", () => {
    const table = new ModelTable();
    table.upsert(record([[1, 'UNAVAILABLE']]));
    expect(() => table.resolve('nope', '')).toThrow("Request for unknown model: 'nope' is not found");
    expect(() => table.resolve('m', '')).toThrow("Request for unknown model: 'm' has no available versions");
    expect(() => table.resolve('m', '7')).toThrow("Request for unknown model: 'm' version 7 is not found");
    expect(() => table.resolve('m', 'x')).toThrow(/version x is not found/);
    try {
      table.resolve('nope', '');
    } catch (error) {
      expect((error as { httpStatus: number }).httpStatus).toBe(400);
    }
  });
});
