import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withOneInstance } from './bench-repository';

describe('withOneInstance', () => {
  it('renames the example matmul_chain config and cuts it to one instance', () => {
    const example = readFileSync(join(__dirname, '../../../../examples/model_repository/matmul_chain/config.pbtxt'), 'utf8');
    const derived = withOneInstance(example, 'matmul_chain_count1');
    expect(derived).toMatch(/^name: "matmul_chain_count1"/m);
    expect(derived).toMatch(/instance_group \[ \{ count: 1, kind: KIND_CPU \} \]/);
    expect(derived).toContain('intra_op_thread_count');
  });

  it('refuses a config it cannot rewrite rather than benchmarking the wrong thing', () => {
    expect(() => withOneInstance('platform: "onnxruntime_onnx"', 'x')).toThrow(/cannot derive/);
    expect(() => withOneInstance('name: "m"\ninstance_group [ { kind: KIND_CPU } ]', 'x')).toThrow(/cannot derive/);
  });
});
