#!/usr/bin/env node
// A liveness/readiness probe for one Flotilla service, for orchestrators that exec a command in
// the container (Kubernetes `exec` probes, Docker HEALTHCHECK): it asks flotilla.health.<service>
// on NATS and exits 0 (alive; with --ready, also ready) or 1, printing one line that says why.
//   node dist/tools/health-probe/src/main.js --service scheduler [--ready] [--nats-url nats://127.0.0.1:4222] [--timeout-ms 2000]
//     [--nats-nkey-seed-file probe.nk --nats-tls-ca ca.pem]   (the deployment's `probe` identity)
import { connect } from '@nats-io/transport-node';
// Deliberately light: NATS' client and plain argv reading, none of the services' NestJS stack, so
// that it starts well within a probe's timeout.
import { SUBJECTS, type ControlReply, type ServiceHealth } from '@flotilla/contracts';
import { natsCredentialOptions, readBusCredentials } from '@flotilla/transport';
import { probeOptions } from './probe-options';
import { probeVerdict } from './probe-verdict';

async function main(): Promise<number> {
  const options = probeOptions(process.argv.slice(2), process.env);
  if (typeof options === 'string') {
    console.error(options);
    return 2;
  }
  const { service, natsUrl, timeoutMs: timeout, ready } = options;
  let credentials;
  try {
    credentials = readBusCredentials(options.credentials);
  } catch (error) {
    console.error(`${service}: ${(error as Error).message}`);
    return 2;
  }
  let nats;
  try {
    // A cluster's nodes, comma-separated as the services take them: the first that answers will do.
    // Answers under the probe's own inbox prefix: on a secured bus its identity may read no other.
    nats = await connect({ servers: natsUrl.split(',').map((url) => url.trim()), timeout, name: 'flotilla health probe', inboxPrefix: '_INBOX.probe', ...natsCredentialOptions(credentials) });
  } catch (error) {
    console.log(`${service}: cannot reach NATS at ${natsUrl}: ${(error as Error).message}`);
    return 1;
  }
  let answer: ControlReply<ServiceHealth> | undefined;
  try {
    const reply = await nats.request(SUBJECTS.health(service), new Uint8Array(0), { timeout });
    answer = JSON.parse(new TextDecoder().decode(reply.data)) as ControlReply<ServiceHealth>;
  } catch {
    answer = undefined; // no responders, or no answer in time
  } finally {
    await nats.close();
  }
  const verdict = probeVerdict(service, answer, ready);
  console.log(verdict.line);
  return verdict.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
