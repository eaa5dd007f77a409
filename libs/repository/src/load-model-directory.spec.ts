import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelDirectory } from './load-model-directory';

const IO = 'input { name: "x" data_type: TYPE_FP32 dims: [4] } output { name: "y" data_type: TYPE_FP32 dims: [4] }';

describe('loadModelDirectory: settings Flotilla does not act on', () => {
  let repository: string;
  const model = (name: string, config: string) => {
    mkdirSync(join(repository, name, '1'), { recursive: true });
    writeFileSync(join(repository, name, '1', 'model.onnx'), '');
    writeFileSync(join(repository, name, 'config.pbtxt'), `name: "${name}" platform: "onnxruntime_onnx" ${IO} ${config}`);
  };
  beforeAll(() => {
    repository = mkdtempSync(join(tmpdir(), 'flotilla-repository-'));
  });
  afterAll(() => rmSync(repository, { recursive: true, force: true }));

  it('loads a model whose settings only lose an effect, with one warning naming each, and none for a plain one', async () => {
    model('cached', 'response_cache { enable: true } metric_tags { key: "team" value: "a" }');
    model('plain', 'max_batch_size: 4 dynamic_batching { }');
    const cached = await loadModelDirectory(repository, 'cached', { gpus: [] });
    expect(cached.reason).toBe('');
    expect(cached.versions.map((v) => v.state)).toEqual(['READY']);
    expect(cached.warnings).toEqual([
      'response_cache.enable is accepted but has no effect: there is no response cache; every request is computed',
      "metric_tags 'team' is accepted but has no effect: there is no metrics endpoint to tag",
    ]);
    const plain = await loadModelDirectory(repository, 'plain', { gpus: [] });
    expect(plain.reason).toBe('');
    expect('warnings' in plain).toBe(false);
  });

  it('refuses a model whose settings it would have to ignore, naming the setting, and one with a section it does not parse', async () => {
    model('decoupled', 'model_transaction_policy { decoupled: true }');
    model('sequence', 'sequence_batching { }');
    const decoupled = await loadModelDirectory(repository, 'decoupled', { gpus: [] });
    expect(decoupled.versions).toEqual([]);
    expect(decoupled.reason).toBe("model_transaction_policy.decoupled is not supported by Flotilla for model 'decoupled': every request gets exactly one response; decoupled models are not supported");
    const sequence = await loadModelDirectory(repository, 'sequence', { gpus: [] });
    expect(sequence.reason).toMatch(/^failed to read text proto from .*field 'sequence_batching' in ModelConfig is not supported by this server$/);
  });
});
