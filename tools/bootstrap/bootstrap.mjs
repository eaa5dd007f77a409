#!/usr/bin/env node
// The entry point behind `npm start`, `npm test`, `npm run bench` and `npm run bench:quick` on a fresh machine.
// It uses nothing but Node's own modules, because it runs before `npm ci` has installed anything:
//   1. npm dependencies (skipping onnxruntime-node's CUDA download, which needs the internet);
//   2. Debian's nats-server, installed with apt-get when running as root (and, for the tests,
//      Debian's prometheus, which an end-to-end test scrapes Flotilla with, and iproute2, which the
//      multi-host test builds its hosts with);
//   3. the SWC build to dist/ and the example models (both skipped when up to date);
// then it hands over to the launcher, the test runner or the benchmark.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [command = 'start', ...rest] = process.argv.slice(2);
const args = rest[0] === '--' ? rest.slice(1) : rest;

const step = (text) => console.log(`\x1b[1mflotilla:\x1b[0m ${text}`);

function run(cmd, cmdArgs, options = {}) {
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options, env: { ...process.env, ...options.env } });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/**
 * Runs the launcher as this process's stand-in until it exits, then exits with its code. It gets a
 * process group of its own and every SIGINT/SIGTERM/SIGHUP sent here, exactly once: a signal sent to
 * `npm start` alone (a process manager's SIGTERM) must stop the deployment, not orphan it, and a
 * terminal's Ctrl-C, which reaches npm and this process together (npm forwards its copy too), must
 * not arrive twice — the launcher reads a second signal as "stop at once". Copies of one signal
 * within DUPLICATE_MS are one signal; a later one is the user's second Ctrl-C and is passed on.
 */
function handOver(cmd, cmdArgs) {
  const DUPLICATE_MS = 300;
  const child = spawn(cmd, cmdArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  let lastForwarded = -Infinity;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      const now = Date.now();
      if (now - lastForwarded < DUPLICATE_MS) return;
      lastForwarded = now;
      child.kill(signal);
    });
  }
  // npm does not pass a SIGTERM sent to it on to this process; it just exits. This process then
  // has a new parent: stop the deployment as if the signal had come here. (Killed outright, this
  // process cannot pass anything on; the launcher stops its services when it exits, however it exits.)
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphaned);
    process.emit('SIGTERM', 'SIGTERM');
  }, 1000);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    console.error(`flotilla: could not start '${cmd}': ${error.message}`);
    process.exit(1);
  });
}

function must(cmd, cmdArgs, options) {
  const status = run(cmd, cmdArgs, options);
  if (status !== 0) {
    console.error(`flotilla: '${[cmd, ...cmdArgs].join(' ')}' failed with exit code ${status}`);
    process.exit(status);
  }
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`flotilla: Node.js >= 20.19 is required (NestJS 12 is loaded through require(esm)); this is ${process.version}`);
    process.exit(1);
  }
}

function ensureNpmDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  step('installing npm dependencies (first run: about a minute)…');
  // ONNXRUNTIME_NODE_INSTALL=skip: the CPU provider ships in the package; the CUDA download would
  // fail without internet access and roll the whole install back. package.json's allowScripts
  // says the same to npm 11.
  must('npm', ['ci', '--no-audit', '--no-fund'], { env: { ONNXRUNTIME_NODE_INSTALL: 'skip' } });
}

function natsServerInstalled() {
  return ['nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].some(
    (candidate) => spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0,
  );
}

/** Installs a Debian package as root; refreshes the package lists only when the install fails without it. */
function aptInstall(name) {
  const aptEnv = { env: { DEBIAN_FRONTEND: 'noninteractive' } };
  if (run('apt-get', ['install', '-y', '-q', name], aptEnv) !== 0) {
    must('apt-get', ['update', '-q'], aptEnv);
    must('apt-get', ['install', '-y', '-q', name], aptEnv);
  }
}

function ensureNatsServer() {
  if (natsServerInstalled()) return;
  if (process.getuid?.() !== 0) {
    console.error("flotilla: nats-server is missing. Install it (Debian/Ubuntu: 'sudo apt-get install nats-server') or run this as root to have it installed.");
    process.exit(1);
  }
  step("installing Debian's nats-server…");
  aptInstall('nats-server');
}

/**
 * Debian's prometheus (prometheus + promtool) for the metrics end-to-end test, installed like
 * nats-server when running as root. Without root it is only reported: that test then fails,
 * saying what to install, and the rest run.
 */
function ensurePrometheus() {
  const installed = (name) => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
  if (installed('prometheus') && installed('promtool')) return;
  if (process.getuid?.() !== 0) {
    console.error("flotilla: prometheus is missing; the metrics end-to-end test will fail until it is installed (Debian/Ubuntu: 'sudo apt-get install prometheus').");
    return;
  }
  step("installing Debian's prometheus (for the metrics end-to-end test)…");
  aptInstall('prometheus');
}

/**
 * iproute2's `ip` for the multi-host end-to-end test, which builds its hosts out of network
 * namespaces (it needs root as well). Installed like prometheus; without root only reported: that
 * test then fails, saying what it lacks.
 */
function ensureIproute2() {
  if (['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].some((path) => existsSync(path))) return;
  if (process.getuid?.() !== 0) {
    console.error("flotilla: iproute2 ('ip') is missing; the multi-host end-to-end test will fail until it is installed and the tests run as root (Debian/Ubuntu: 'sudo apt-get install iproute2').");
    return;
  }
  step("installing Debian's iproute2 (for the multi-host end-to-end test)…");
  aptInstall('iproute2');
}

function buildAndGenerateModels() {
  must(process.execPath, [join('tools', 'build', 'build.mjs')]);
  must(process.execPath, [join('dist', 'tools', 'model-generator', 'src', 'main.js'), '--out', join('examples', 'model_repository')]);
}

checkNode();
ensureNpmDependencies();
ensureNatsServer();
buildAndGenerateModels();

switch (command) {
  case 'start':
    step('starting Flotilla…');
    handOver(process.execPath, [join('dist', 'tools', 'launcher', 'src', 'main.js'), ...args]);
    break;
  case 'test':
    ensurePrometheus();
    ensureIproute2();
    step('type-checking…');
    must(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit']);
    step('running every test (unit, then end-to-end against real processes)…');
    process.exit(run(process.execPath, [join('node_modules', 'vitest', 'vitest.mjs'), 'run', ...args]));
    break;
  case 'bench-quick':
    process.exit(run(process.execPath, [join('dist', 'tools', 'perf', 'src', 'bench-quick.js'), ...args]));
    break;
  case 'bench':
    process.exit(run(process.execPath, [join('dist', 'tools', 'perf', 'src', 'bench.js'), ...args]));
    break;
  case 'bench-rate-limit':
    process.exit(run(process.execPath, [join('dist', 'tools', 'perf', 'src', 'bench-rate-limit.js'), ...args]));
    break;
  case 'bench-idle':
    process.exit(run(process.execPath, [join('dist', 'tools', 'perf', 'src', 'idle-cpu.js'), ...args]));
    break;
  default:
    console.error(`flotilla: unknown bootstrap command '${command}' (start, test, bench, bench-quick, bench-idle, bench-rate-limit)`);
    process.exit(2);
}
