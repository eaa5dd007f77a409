#!/usr/bin/env node
// The load generator's CLI, for any KServe v2 server over HTTP or gRPC (Flotilla, the baseline server, Triton):
//   node dist/tools/perf/src/main.js --url http://127.0.0.1:8000 --model simple --concurrency 1,4,16
import { CliError, parseCliOptions, USAGE } from './cli/cli-options';
import { ProgressLine } from './cli/progress-line';
import { reportText, windowProgress } from './cli/report-text';
import { runPerf } from './perf-run';

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2));
  if (options === 'help') return void console.log(USAGE);
  const progress = new ProgressLine();
  const unit = options.mode === 'concurrency' ? 'c=' : 'rate=';
  try {
    const result = await runPerf({
      ...options,
      onWindow: (level, figures, index) => progress.update(windowProgress(`${options.model} ${unit}${level}`, figures, index, options.maxWindows)),
    });
    progress.clear();
    console.log(options.json ? JSON.stringify(result, null, 2) : reportText(result));
  } finally {
    progress.clear();
  }
}

main().catch((error: unknown) => {
  if (error instanceof CliError) console.error(`perf: ${error.message}\n\n${USAGE}`);
  else console.error(`perf: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof CliError ? 2 : 1);
});
