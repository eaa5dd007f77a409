// Against a real nats-server: requests sent in one turn travel as one batch message, each still
// answered on its own reply subject; no scheduler fails them all at once.
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { decodeBatchFrame, HEADERS } from '@flotilla/contracts';
import { freePort, startNatsServer, type NatsServerProcess } from '@flotilla/local-cluster';
import { MessageBus, NoRespondersError, type IncomingMessage } from '@flotilla/transport';
import { RequestCoalescer } from './request-coalescer';

let nats: NatsServerProcess;
let bus: MessageBus;

beforeAll(async () => {
  nats = await startNatsServer(await freePort(), () => undefined);
  bus = await MessageBus.connect({ servers: nats.url, name: 'coalescer-test' });
});

afterAll(async () => {
  await bus?.drain();
  nats?.child.kill();
});

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe('RequestCoalescer', () => {
  it('sends the first request of a turn at once and the rest of the turn as one batch message, each answer reaching its own request', async () => {
    const received: IncomingMessage[] = [];
    bus.subscribe('coalesce.batch', (message) => {
      received.push(message);
      if (message.header(HEADERS.batch) === undefined) return bus.publish(message.reply!, bytes(`answer to ${text(message.data)}`));
      for (const { request, frame } of decodeBatchFrame(message.data)) bus.publish(request.replyTo, bytes(`answer to ${text(frame)}`));
    });
    await bus.flush();
    const coalescer = new RequestCoalescer(bus, 'coalesce.batch');
    const answers = await Promise.all(['a', 'b', 'c', 'd'].map((name) => coalescer.request(bytes(name), 5000, ROOT_CONTEXT)));
    expect(answers.map((answer) => text(answer.data))).toEqual(['answer to a', 'answer to b', 'answer to c', 'answer to d']);
    expect(received.map((message) => message.header(HEADERS.batch) ?? 'alone')).toEqual(['alone', '3']);
  });

  it('sends a lone request as a plain message with its own reply subject', async () => {
    const received: IncomingMessage[] = [];
    bus.subscribe('coalesce.lone', (message) => {
      received.push(message);
      bus.publish(message.reply!, bytes(`answer to ${text(message.data)}`));
    });
    await bus.flush();
    const answer = await new RequestCoalescer(bus, 'coalesce.lone').request(bytes('x'), 5000, ROOT_CONTEXT);
    expect(text(answer.data)).toBe('answer to x');
    expect(received[0].header(HEADERS.batch)).toBeUndefined();
  });

  it('fails every request, batched or not, at once when nothing listens', async () => {
    const coalescer = new RequestCoalescer(bus, 'coalesce.nobody');
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((name) => coalescer.request(bytes(name), 60_000, ROOT_CONTEXT)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(NoRespondersError);
  });
});
