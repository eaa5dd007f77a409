// Collects request outcomes into the current measurement window; taking a window starts the next.
import { performance } from 'node:perf_hooks';
import type { WindowSample } from '../stats/window';

export class WindowRecorder {
  private latencies: number[] = [];
  private errors = 0;
  private tensorBytes = 0;
  private windowStart = performance.now();
  private firstErrorText: string | undefined;

  recordSuccess(latencyMs: number, tensorBytes: number): void {
    this.latencies.push(latencyMs);
    this.tensorBytes += tensorBytes;
  }

  recordError(text: string): void {
    this.errors++;
    this.firstErrorText ??= text;
  }

  /** The first failure seen, so a run full of errors can say what went wrong. */
  get firstError(): string | undefined {
    return this.firstErrorText;
  }

  /** Ends the current window and starts a new one at once, so no completion falls between two. */
  takeWindow(): WindowSample {
    const now = performance.now();
    const sample: WindowSample = { durationMs: now - this.windowStart, latenciesMs: this.latencies, errors: this.errors, tensorBytes: this.tensorBytes };
    this.latencies = [];
    this.errors = 0;
    this.tensorBytes = 0;
    this.windowStart = now;
    return sample;
  }
}
