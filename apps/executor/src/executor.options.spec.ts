import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { FlagError } from '@flotilla/service-kit';
import { executorOptions } from './executor.options';

describe('executorOptions: where model files come from', () => {
  const env = process.env;
  beforeEach(() => {
    process.env = { ...env };
    for (const name of ['FLOTILLA_MODEL_SOURCE', 'FLOTILLA_MODEL_CACHE_DIR', 'FLOTILLA_MODEL_STORE_BUCKET']) delete process.env[name];
  });
  afterAll(() => (process.env = env));

  it('reads files where they are and fetches the rest by default, into a cache under the OS tmp folder', () => {
    expect(executorOptions([])).toMatchObject({ modelSource: 'auto', modelCacheDir: join(tmpdir(), 'flotilla-model-cache'), modelStoreBucket: 'flotilla-models' });
  });

  it('takes --model-source and its environment twin', () => {
    expect(executorOptions(['--model-source', 'bus', '--model-cache-dir', '/var/cache/flotilla']).modelCacheDir).toBe('/var/cache/flotilla');
    process.env.FLOTILLA_MODEL_SOURCE = 'files';
    expect(executorOptions([]).modelSource).toBe('files');
  });

  it('refuses an unknown source, and cache or bucket flags that files would ignore', () => {
    expect(() => executorOptions(['--model-source', 'nfs'])).toThrow(new FlagError("--model-source must be auto, files, bus; got 'nfs'"));
    expect(() => executorOptions(['--model-source', 'files', '--model-cache-dir', '/tmp/x'])).toThrow('--model-cache-dir is not used with --model-source=files');
    expect(() => executorOptions(['--model-source', 'files', '--model-store-bucket', 'b'])).toThrow('--model-store-bucket is not used with --model-source=files');
  });
});

describe('executorOptions', () => {
  it('takes an executor id that is one subject token, and refuses one that is not', () => {
    expect(executorOptions(['--executor-id', 'gpu0_host-7']).executorId).toBe('gpu0_host-7');
    expect(executorOptions([]).executorId).toMatch(/^cpu-[0-9a-f]{6}$/);
    for (const id of ['host.a', 'x*', 'a>b', 'with space']) {
      expect(() => executorOptions(['--executor-id', id])).toThrow(FlagError);
      expect(() => executorOptions(['--executor-id', id])).toThrow(/one token of the executor's NATS subjects/);
    }
  });

  it('reads the bus credentials with the other flags (none: an open bus)', () => {
    expect(executorOptions([]).bus).toEqual({ servers: 'nats://127.0.0.1:4222', name: 'executor', inboxPrefix: '_INBOX.executor' });
    expect(() => executorOptions(['--nats-user', 'executor'])).toThrow(/--nats-user 'executor' needs --nats-password/);
  });
});
