// The measurement loop: warm up, then take windows until the last two agree (or give up after
// --max-windows), and report the stable windows pooled together.
import { isStable } from '../stats/stability';
import { mergeSamples, windowFigures, type WindowFigures, type WindowSample } from '../stats/window';
import type { LoadDriver } from './load-driver';
import type { WindowRecorder } from './window-recorder';

export interface MeasureOptions {
  readonly windowMs: number;
  /** Relative agreement two consecutive windows need, e.g. 0.1 for 10 %. */
  readonly stability: number;
  readonly maxWindows: number;
  /** Load applied before the first window, not counted: connections open, JIT and caches warm. */
  readonly warmupMs: number;
  readonly onWindow?: (figures: WindowFigures, index: number) => void;
}

export interface Measurement {
  /** The last two windows pooled: what the run reports. */
  readonly figures: WindowFigures;
  readonly stable: boolean;
  readonly windows: readonly WindowFigures[];
}

const STABLE_WINDOWS = 2;

export async function measureUntilStable(driver: LoadDriver, recorder: WindowRecorder, options: MeasureOptions): Promise<Measurement> {
  if (options.maxWindows < STABLE_WINDOWS) throw new RangeError(`--max-windows must be at least ${STABLE_WINDOWS}`);
  driver.start();
  const samples: WindowSample[] = [];
  const windows: WindowFigures[] = [];
  let stable = false;
  try {
    await sleep(options.warmupMs);
    recorder.takeWindow();
    while (samples.length < options.maxWindows && !stable) {
      await sleep(options.windowMs);
      const sample = recorder.takeWindow();
      samples.push(sample);
      windows.push(windowFigures(sample));
      options.onWindow?.(windows[windows.length - 1], windows.length);
      stable = isStable(windows, options.stability, STABLE_WINDOWS);
    }
  } finally {
    await driver.stop();
  }
  return { figures: windowFigures(mergeSamples(samples.slice(-STABLE_WINDOWS))), stable, windows };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
