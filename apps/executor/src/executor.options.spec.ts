import { FlagError } from '@flotilla/service-kit';
import { executorOptions } from './executor.options';

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
