import { natsServerList } from './message-bus';

describe('natsServerList (--nats-url)', () => {
  it('splits a comma-separated list, keeping its order (the first is this host’s node)', () => {
    expect(natsServerList('nats://10.0.0.1:4222, nats://10.0.0.2:4222,nats://10.0.0.3:4222')).toEqual(['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222', 'nats://10.0.0.3:4222']);
  });

  it('takes one URL, or a list of lists', () => {
    expect(natsServerList('nats://127.0.0.1:4222')).toEqual(['nats://127.0.0.1:4222']);
    expect(natsServerList(['a:1,b:2', 'c:3'])).toEqual(['a:1', 'b:2', 'c:3']);
  });

  it('refuses an empty entry, naming the flag', () => {
    expect(() => natsServerList('nats://a:4222,,nats://b:4222')).toThrow(/--nats-url has an empty entry/);
    expect(() => natsServerList('')).toThrow(/--nats-url/);
  });
});
