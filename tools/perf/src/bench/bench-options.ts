// Flags of `npm run bench` (pass them after `--`): everything has a default that fits the whole
// suite in a few minutes on 2 cores.
import type { MeasureSettings } from './contenders';

export interface BenchOptions extends MeasureSettings {
  /** Run only scenarios whose id contains one of these. */
  readonly only: readonly string[];
  /** Also write every figure as JSON here. */
  readonly jsonOut?: string;
}

export const BENCH_DEFAULTS: BenchOptions = { windowMs: 2000, stability: 0.1, maxWindows: 8, warmupMs: 1000, only: [] };

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let options: BenchOptions = BENCH_DEFAULTS;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    switch (flag) {
      case '--only':
        options = { ...options, only: value.split(',') };
        break;
      case '--json-out':
        options = { ...options, jsonOut: value };
        break;
      case '--window-ms':
      case '--max-windows':
      case '--warmup-ms':
      case '--stability': {
        const number = Number(value);
        if (!(number >= 0)) throw new Error(`${flag} must be a non-negative number, got '${value}'`);
        const key = ({ '--window-ms': 'windowMs', '--max-windows': 'maxWindows', '--warmup-ms': 'warmupMs', '--stability': 'stability' } as const)[flag];
        options = { ...options, [key]: number };
        break;
      }
      default:
        throw new Error(`unknown flag '${flag}' (known: --only, --json-out, --window-ms, --max-windows, --warmup-ms, --stability)`);
    }
  }
  return options;
}
