// The control plane against a real nats-server: Nest controllers served by ControlPlaneServer and
// called through ControlPlaneClient, both over one connection per "service" as in production.
import 'reflect-metadata';
import { Controller, Injectable, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload, type AsyncMicroserviceOptions } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { FlotillaError, invalidArg } from '@flotilla/contracts';
import { freePort, startNatsServer, type NatsServerProcess } from '@flotilla/local-cluster';
import { ControlPlaneClient } from './control-plane.client';
import { ControlPlaneModule, NATS_CONNECTION } from './control-plane.module';
import { ControlPlaneServer } from './control-plane.server';

@Injectable()
class Heard {
  readonly events: unknown[] = [];
  readonly traceIds: string[] = [];
  queued = 0;
}

@Controller()
class EchoController {
  constructor(private readonly heard: Heard) {}

  @MessagePattern('test.echo')
  echo(@Payload() body: { text: string }) {
    this.heard.traceIds.push(trace.getSpanContext(context.active())?.traceId ?? 'none');
    return { echoed: body.text };
  }

  @MessagePattern('test.refuse')
  refuse(): never {
    throw invalidArg("model 'x' has no input 'y'");
  }

  @MessagePattern('test.crash')
  crash(): never {
    throw new TypeError('cannot read properties of undefined');
  }

  @MessagePattern('test.slow')
  async slow() {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return 'late';
  }

  @MessagePattern('test.queued', { queue: 'replicas' })
  queued() {
    this.heard.queued++;
    return 'one of us';
  }

  @EventPattern('test.event')
  event(@Payload() body: unknown) {
    this.heard.events.push(body);
  }
}

let nats: NatsServerProcess;
const services: INestMicroservice[] = [];

async function startService(): Promise<{ app: INestMicroservice; client: ControlPlaneClient; heard: Heard }> {
  @Module({ imports: [ControlPlaneModule.forRoot({ servers: nats.url, name: 'test' })], controllers: [EchoController], providers: [Heard] })
  class TestModule {}
  const app = await NestFactory.createMicroservice<AsyncMicroserviceOptions>(TestModule, {
    inject: [NATS_CONNECTION],
    useFactory: (connection: NatsConnection) => ({ strategy: new ControlPlaneServer(connection) }),
    logger: false,
  });
  await app.listen();
  services.push(app);
  return { app, client: app.get(ControlPlaneClient), heard: app.get(Heard) };
}

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  nats = await startNatsServer(await freePort(), () => undefined);
});

afterAll(async () => {
  for (const app of services) await app.close();
  nats?.child.kill();
  context.disable();
  propagation.disable();
});

describe('the control plane (Nest over one NATS connection)', () => {
  it('answers a request with the handler’s value, in the trace context the caller sent', async () => {
    const { client, heard } = await startService();
    const parent = trace.setSpanContext(context.active(), { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
    const reply = await context.with(parent, () => client.request<{ echoed: string }>('test.echo', { text: 'hi' }));
    expect(reply).toEqual({ echoed: 'hi' });
    expect(heard.traceIds).toEqual(['0af7651916cd43dd8448eb211c80319c']);
  });

  it('carries a handler’s FlotillaError across by its code, and an unexpected error as INTERNAL', async () => {
    const client = services[0].get(ControlPlaneClient);
    const refused = await client.request('test.refuse').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FlotillaError);
    expect(refused).toMatchObject({ code: 'INVALID_ARG', message: "model 'x' has no input 'y'" });
    const crashed = await client.request('test.crash').catch((error: unknown) => error);
    expect(crashed).toMatchObject({ code: 'INTERNAL', message: 'cannot read properties of undefined' });
  });

  it('says by type, not by text, when nothing listens or nothing answers in time', async () => {
    const client = services[0].get(ControlPlaneClient);
    const nobody = await client.request('test.nobody.listens').catch((error: unknown) => error);
    expect(nobody).toMatchObject({ code: 'UNAVAILABLE', message: 'request to test.nobody.listens failed: no service is listening (is it running?)' });
    const late = await client.request('test.slow', {}, 200).catch((error: unknown) => error);
    expect(late).toMatchObject({ code: 'UNAVAILABLE', message: 'request to test.slow failed: no answer before the deadline' });
  });

  it('delivers events to every service, and a queued pattern’s request to one of them', async () => {
    const second = await startService();
    const first = services[0];
    await second.client.emitEvent('test.event', { n: 1 });
    const answers = await Promise.all([1, 2, 3, 4].map(() => second.client.request<string>('test.queued')));
    expect(answers).toEqual(['one of us', 'one of us', 'one of us', 'one of us']);
    expect(first.get(Heard).queued + second.heard.queued).toBe(4); // each request reached one replica
    await expect.poll(() => first.get(Heard).events).toEqual([{ n: 1 }]);
    await expect.poll(() => second.heard.events).toEqual([{ n: 1 }]);
  });

  it('gathers the answers of every instance when asked to (requestAll), by count or by a pause after the last', async () => {
    // Two services run by now (the test above started the second): both answer test.echo.
    const client = services[0].get(ControlPlaneClient);
    expect(await client.requestAll<{ echoed: string }>('test.echo', { text: 'all' }, { expected: 2 })).toEqual([{ echoed: 'all' }, { echoed: 'all' }]);
    expect(await client.requestAll<{ echoed: string }>('test.echo', { text: 'all' })).toHaveLength(2);
    const nobody = await client.requestAll('test.nobody.listens', {}, { timeoutMs: 300 }).catch((error: unknown) => error);
    expect(nobody).toMatchObject({ code: 'UNAVAILABLE' });
    const refused = await client.requestAll('test.refuse').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'INVALID_ARG', message: "model 'x' has no input 'y'" });
  });

  it('shares the service’s one connection between Nest’s server, its client and the hot path', async () => {
    const connection = services[0].get<NatsConnection>(NATS_CONNECTION);
    expect(await services[0].get(ControlPlaneClient).connect()).toBe(connection);
    expect(services[0].unwrap<NatsConnection>()).toBe(connection);
  });
});
