// Against a real nats-server: request/reply through the shared reply inbox, no-responders and
// timeouts, headers, and binary payloads passed through untouched.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { coalesceReplies, HEADERS } from '@flotilla/contracts';
import { MessageBus } from './message-bus';
import { busError } from './errors';

let server: ChildProcess;
let bus: MessageBus;

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  const port = await freePort();
  const binary = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((path) => existsSync(path)) ?? 'nats-server';
  server = spawn(binary, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  bus = await MessageBus.connect({ servers: `nats://127.0.0.1:${port}`, name: 'test' });
});

afterAll(async () => {
  await bus?.drain();
  server?.kill();
});

describe('MessageBus', () => {
  it('answers a request from whoever replies, with headers and bytes intact', async () => {
    bus.subscribe('echo', (message) => {
      bus.publish(message.reply!, message.data, { headers: { 'X-Seen': message.header('X-Sent') ?? 'none' } });
    });
    const payload = Uint8Array.from([0, 255, 1, 254]);
    const replies = await Promise.all([1, 2, 3].map((n) => bus.request('echo', payload.map((b) => b ^ n), 1000, { headers: { 'X-Sent': String(n) } })));
    expect(replies.map((r) => [r.header('X-Seen'), [...r.data]])).toEqual([1, 2, 3].map((n) => [String(n), [...payload.map((b) => b ^ n)]]));
  });

  it('rejects at once when nothing listens on the subject', async () => {
    const started = Date.now();
    const error = await bus.request('nobody.here', new Uint8Array(1), 5000).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(busError(error, 'asking nobody').message).toBe('asking nobody: no service is listening (is it running?)');
  });

  it('rejects after the timeout when a listener never answers', async () => {
    bus.subscribe('silent', () => undefined);
    const error = await bus.request('silent', new Uint8Array(1), 200).catch((e) => e);
    expect(busError(error, 'asking a silent one').message).toBe('asking a silent one: no answer before the deadline');
  });

  it('takes several replies that came in one coalesced message to their own requests', async () => {
    const first = bus.openReply(5000);
    const second = bus.openReply(5000);
    const [message] = coalesceReplies(
      [
        { replyTo: first.reply, reply: new Uint8Array([1]) },
        { replyTo: second.reply, reply: new Uint8Array([2, 2]) },
      ],
      bus.maxPayload,
    );
    expect(message.coalesced).toBe(2);
    bus.publish(message.subject, message.data, { headers: { [HEADERS.batch]: '2' } });
    const answers = await Promise.all([first.answer, second.answer]);
    expect(answers.map((answer) => [...answer.data])).toEqual([[1], [2, 2]]);
    expect(answers.map((answer) => answer.subject)).toEqual([first.reply, second.reply]);
  });
});
