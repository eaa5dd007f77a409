#!/usr/bin/env node
// `npm start`: a private nats-server plus the five Flotilla services, each its own process, on one
// model repository. Ctrl-C stops them all.
import { existsSync } from 'node:fs';
import { FlagError, usage } from '@flotilla/service-kit';
import { failureLines, FlotillaCluster } from '@flotilla/local-cluster';
import { LAUNCHER_FLAGS, launcherOptions } from './launcher-options';
import { RestartPolicy } from './restart-policy';

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[90m'];
const color = process.stdout.isTTY ? (i: number, text: string) => `${COLORS[i % COLORS.length]}${text}\x1b[0m` : (_: number, text: string) => text;
const names = new Map<string, number>();
const prefix = (service: string) => {
  if (!names.has(service)) names.set(service, names.size);
  return color(names.get(service)!, service.padEnd(16));
};

async function main(): Promise<void> {
  let options;
  try {
    options = launcherOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    console.error(`flotilla: ${error.message}\n\n${usage('npm start --', LAUNCHER_FLAGS)}`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(usage('npm start --', LAUNCHER_FLAGS));
    return;
  }
  if (!existsSync(options.modelRepository)) {
    console.error(`flotilla: model repository ${options.modelRepository} does not exist`);
    process.exit(2);
  }

  const started = Date.now();
  console.log(`flotilla: serving ${options.modelRepository}`);
  const cluster = await FlotillaCluster.start({
    ...options,
    // --quiet hides a service's chatter, never its warnings and errors.
    log: (service, line) => {
      if (!options.quiet || / (WARN|ERROR|FATAL) /.test(line)) console.log(`${prefix(service)} ${line}`);
    },
    progress: (step) => console.log(`flotilla: starting ${step}…`),
  });

  let stopping = false;
  let signalled = false;
  const stop = async (signal: string) => {
    if (signalled) {
      console.log(`flotilla: ${signal} again: killing every service now`);
      cluster.killAll();
      process.exit(130);
    }
    signalled = true;
    stopping = true;
    console.log(`\nflotilla: ${signal}: stopping every service…`);
    await cluster.stop();
    console.log('flotilla: stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  // Supervision: a service that dies is restarted with backoff; one that keeps dying stops the launcher.
  const restarts = new RestartPolicy();
  const watch = (name: string) => {
    void cluster.service(name).exited.then((code) => {
      if (stopping) return;
      if (!options.supervise) return console.error(`flotilla: ${name} exited unexpectedly (code ${code}); the others keep running (--supervise=false)`);
      const decision = restarts.onDeath(name, Date.now());
      if (decision === 'give up') {
        console.error(`flotilla: ${name} keeps dying (code ${code}, more than 5 times in 60 s): stopping every service`);
        stopping = true;
        void cluster.stop().finally(() => process.exit(1));
        return;
      }
      console.error(`flotilla: ${name} exited unexpectedly (code ${code}); restarting it in ${decision.restartInMs} ms (death ${decision.deathsInWindow} in the last minute)`);
      setTimeout(() => {
        if (stopping) return;
        cluster.restart(name);
        watch(name);
      }, decision.restartInMs);
    });
  };
  for (const name of cluster.serviceNames()) watch(name);

  // Never a silent wait: each model ends READY or failed (the repository bounds a load), and
  // meanwhile the launcher says every few seconds what it is waiting for.
  let report;
  try {
    report = await cluster.waitForModels({ waiting: (what) => console.log(`flotilla: waiting for ${what}…`) });
  } catch (error) {
    console.error(`flotilla: ${(error as Error).message}`);
    stopping = true;
    await cluster.stop();
    process.exit(1);
  }
  const failures = failureLines(report);
  if (failures.length > 0 && options.exitOnError) {
    console.error(`\nflotilla: ${failures.length === 1 ? 'a model' : `${failures.length} model versions`} failed to load; stopping (--exit-on-error=true; --exit-on-error=false serves the others):`);
    for (const line of failures) console.error(`  ${line}`);
    stopping = true;
    await cluster.stop();
    process.exit(1);
  }
  if (failures.length > 0) {
    console.error(`\nflotilla: unavailable (--exit-on-error=false serves the others):`);
    for (const line of failures) console.error(`  ${line}`);
  }
  // With every model ready (or readiness not strict), the health endpoint must agree before the ready line.
  if (failures.length === 0 || !options.strictReadiness) {
    try {
      await cluster.waitReady(60_000);
    } catch (error) {
      console.error(`flotilla: ${(error as Error).message}`);
      stopping = true;
      await cluster.stop();
      process.exit(1);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const models = report.ready.length > 0 ? report.ready.join(', ') : 'none loaded; load one with POST /v2/repository/models/<m>/load';
  const readiness = failures.length > 0 && options.strictReadiness ? '; /v2/health/ready answers 400 while a model is unavailable (--strict-readiness=true)' : '';
  const bus = cluster.bus ? `  Bus: TLS, one identity per service; this deployment's keys and CA are in ${cluster.bus.dir} (admin.nk for your own client), removed at stop.\n` : '';
  console.log(`\nFlotilla is ready in ${seconds} s: http://localhost:${options.httpPort}${options.grpcPort ? `, gRPC localhost:${options.grpcPort}` : ''}${options.metricsPort ? `, metrics http://localhost:${options.metricsPort}/metrics` : ''}  (models: ${models}${readiness})  — Ctrl-C to stop\n${bus}`);
}

main().catch((error) => {
  console.error(`flotilla: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
