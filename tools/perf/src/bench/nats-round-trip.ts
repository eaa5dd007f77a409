// One NATS round trip between two processes on this machine, measured in the same run as the
// figures compared with it: a request from this process, answered by `nats-echo` in another.
// It is the unit of the rate limiter's latency goal: a stage to the rate limiter and its grant
// back are one such round trip.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { natsCredentialOptions, readBusCredentials } from '@flotilla/transport';

const SUBJECT = 'flotilla.bench.echo';

/** Files of an identity that may use any subject (a secured deployment's `admin`). */
export interface BenchBusIdentity {
  readonly seedFile: string;
  readonly caFile: string;
}

/** Median of `count` sequential round trips (after `warmup` unmeasured ones), in milliseconds; over TLS with `identity`. */
export async function measureNatsRoundTrip(natsUrl: string, identity?: BenchBusIdentity, count = 2000, warmup = 200): Promise<{ p50Ms: number; p90Ms: number }> {
  const env = identity ? { ...process.env, FLOTILLA_NATS_NKEY_SEED_FILE: identity.seedFile, FLOTILLA_NATS_TLS_CA: identity.caFile } : process.env;
  const echo = spawn(process.execPath, [join(__dirname, 'nats-echo.js'), natsUrl, SUBJECT], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const credentials = identity ? readBusCredentials({ nkeySeedFile: identity.seedFile, tlsCa: identity.caFile }) : undefined;
  const connection = await connect({ servers: natsUrl, name: 'bench-round-trip', ...natsCredentialOptions(credentials) });
  try {
    const [chunk] = (await once(echo.stdout!, 'data')) as [Buffer];
    if (!chunk.toString().startsWith('ready')) throw new Error(`nats-echo did not start: ${chunk.toString()}`);
    const payload = new Uint8Array(64);
    const times: number[] = [];
    for (let i = 0; i < warmup + count; i++) {
      const start = performance.now();
      await connection.request(SUBJECT, payload, { timeout: 5000 });
      if (i >= warmup) times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { p50Ms: times[Math.floor(times.length * 0.5)], p90Ms: times[Math.floor(times.length * 0.9)] };
  } finally {
    await connection.close();
    echo.kill('SIGTERM');
  }
}
