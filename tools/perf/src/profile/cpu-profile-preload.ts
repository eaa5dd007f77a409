// Preloaded into a service (NODE_OPTIONS="--require <this file>") to CPU-profile just the measured
// period. Profiling starts as the process starts; the first SIGUSR2 marks the start of the
// measured period, the second stops the profiler and writes `<app>-<pid>.cpuprofile` (with the
// mark as `measuredFromUs`) into $FLOTILLA_CPU_PROFILE_DIR. summarise-cpuprofile counts only
// samples after the mark.
//
// Why not `--cpu-prof`: Node 20 refuses it in NODE_OPTIONS, and it writes only on a normal exit,
// while Nest's shutdown hooks end a service by re-raising SIGTERM, which skips the write.
// Why not start the profiler at the first signal: with a large heap (4 MiB tensors), V8 20.x's
// CpuProfiler::StartProfiling can deadlock the main thread (it logs existing code, allocates,
// triggers a mark-compact that waits on a mutex the profiler holds; seen in gdb). At startup the
// heap is small and that does not happen.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const directory = process.env.FLOTILLA_CPU_PROFILE_DIR;
const SAMPLING_INTERVAL_US = Number(process.env.FLOTILLA_CPU_PROFILE_INTERVAL_US ?? 250);

// Worker threads (executor slots) inherit NODE_OPTIONS too; signals reach only the main thread.
if (isMainThread && directory) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US }, () => session.post('Profiler.start')));
  let measuredFromUs: number | undefined;
  process.on('SIGUSR2', () => {
    // V8 stamps samples in microseconds of the monotonic clock, as process.hrtime does.
    if (measuredFromUs === undefined) return void (measuredFromUs = Number(process.hrtime.bigint() / 1000n));
    session.post('Profiler.stop', (error, result) => {
      if (error) return void process.stderr.write(`cpu-profile: ${error.message}\n`);
      mkdirSync(directory, { recursive: true });
      const file = join(directory, `${appName()}-${process.pid}.cpuprofile`);
      writeFileSync(`${file}.partial`, JSON.stringify({ ...result.profile, measuredFromUs }));
      // Renamed into place: whoever waits for the file never reads half of it.
      renameSync(`${file}.partial`, file);
    });
  });
}

/** `dist/apps/<app>/src/main.js` → `<app>`; anything else by its script name. */
function appName(): string {
  const script = process.argv[1] ?? 'node';
  const match = /apps[/\\]([^/\\]+)[/\\]src[/\\]main\.js$/.exec(script);
  if (match) return match[1];
  return basename(dirname(script)) === 'baseline-server' ? 'baseline-server' : basename(script, '.js');
}
