#!/usr/bin/env node
// A process that answers every message on one subject with its own bytes: the far end of the NATS
// round trip `nats-round-trip.ts` measures. A separate process, as the rate limiter is to the
// scheduler, so the figure includes a wake-up at each end.
//   node dist/tools/perf/src/bench/nats-echo.js <nats-url> <subject>
// On a secured bus it connects with FLOTILLA_NATS_NKEY_SEED_FILE and FLOTILLA_NATS_TLS_CA (the deployment's admin identity).
import { connect } from '@nats-io/transport-node';
import { natsCredentialOptions, readBusCredentials } from '@flotilla/transport';

async function main(): Promise<void> {
  const [servers, subject] = process.argv.slice(2);
  if (!servers || !subject) throw new Error('usage: nats-echo <nats-url> <subject>');
  const credentials = readBusCredentials({ nkeySeedFile: process.env.FLOTILLA_NATS_NKEY_SEED_FILE, tlsCa: process.env.FLOTILLA_NATS_TLS_CA });
  const connection = await connect({ servers, name: 'bench-echo', ...natsCredentialOptions(credentials) });
  connection.subscribe(subject, {
    callback: (error, message) => {
      if (!error) message.respond(message.data);
    },
  });
  await connection.flush();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void connection.drain().finally(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(`nats-echo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
