import type { ServiceHealth } from '@flotilla/contracts';
import { probeOptions } from './probe-options';
import { probeVerdict } from './probe-verdict';

const health = (ready: boolean, reasons: string[] = []): ServiceHealth => ({ service: 'executor', instance: 'cpu-1', pid: 7, uptimeSeconds: 3, live: true, ready, reasons });

describe('probeVerdict', () => {
  it('passes a live service, and a ready one when readiness is asked for', () => {
    expect(probeVerdict('executor', { ok: true, value: health(true) }, true)).toEqual({ exitCode: 0, line: 'executor cpu-1 (pid 7): live and ready' });
    expect(probeVerdict('executor', { ok: true, value: health(false, ['slot a is loading']) }, false).exitCode).toBe(0);
  });

  it('fails when nobody answers, on an error, and when readiness is asked of an unready service, saying why', () => {
    expect(probeVerdict('scheduler', undefined, false)).toMatchObject({ exitCode: 1, line: expect.stringMatching(/no instance answers flotilla.health.scheduler/) });
    expect(probeVerdict('scheduler', { ok: false, error: { code: 'INTERNAL', message: 'boom' } }, false)).toMatchObject({ exitCode: 1, line: 'scheduler: answered with an error: boom' });
    expect(probeVerdict('executor', { ok: true, value: health(false, ['slot a is loading']) }, true)).toEqual({ exitCode: 1, line: 'executor cpu-1 (pid 7): live, not ready: slot a is loading' });
  });
});

describe('probeOptions', () => {
  it('reads the service, --ready, the NATS URL (or its environment twin) and the timeout', () => {
    expect(probeOptions(['--service', 'executor', '--ready', '--nats-url=nats://n:4222'], {})).toEqual({ service: 'executor', ready: true, natsUrl: 'nats://n:4222', timeoutMs: 2000, credentials: {} });
    expect(probeOptions(['--service=scheduler', '--timeout-ms', '500'], { FLOTILLA_NATS_URL: 'nats://e:1' })).toEqual({ service: 'scheduler', ready: false, natsUrl: 'nats://e:1', timeoutMs: 500, credentials: {} });
    expect(probeOptions(['--service', 'sheduler'], {})).toMatch(/--service must name a Flotilla service, got 'sheduler'/);
    expect(probeOptions(['--service', 'gateway', '--verbose'], {})).toMatch(/unknown argument '--verbose'/);
    expect(probeOptions(['--service', 'gateway', '--timeout-ms', '0'], {})).toMatch(/--timeout-ms/);
  });

  it('takes the services\' bus credential flags, each with its FLOTILLA_* twin; a flag wins over the environment', () => {
    const options = probeOptions(['--service', 'gateway', '--nats-nkey-seed-file', 'probe.nk'], { FLOTILLA_NATS_TLS_CA: 'ca.pem', FLOTILLA_NATS_NKEY_SEED_FILE: 'other.nk' });
    expect(options).toMatchObject({ credentials: { nkeySeedFile: 'probe.nk', tlsCa: 'ca.pem' } });
  });
});
