// The two ways perf_analyzer loads a server: a fixed number of requests always in flight
// (closed loop, --concurrency), or requests sent on a fixed schedule whatever the server does
// (open loop, --request-rate). Both time each request and hand the outcome to a WindowRecorder.
import { performance } from 'node:perf_hooks';
import type { InferOutcome } from './infer-outcome';
import type { WindowRecorder } from './window-recorder';

/** Sends one prepared inference request. */
export type SendRequest = () => Promise<InferOutcome>;

export interface LoadDriver {
  start(): void;
  /** Stops sending and waits for the requests in flight. */
  stop(): Promise<void>;
}

/** Times one request and records it; never throws (a failed request is an outcome to count). */
async function timedSend(send: SendRequest, recorder: WindowRecorder, tensorBytes: number, isRunning: () => boolean): Promise<boolean> {
  const started = performance.now();
  try {
    const outcome = await send();
    if (!isRunning()) return true;
    if (outcome.ok) recorder.recordSuccess(performance.now() - started, tensorBytes);
    else recorder.recordError(outcome.failure ?? 'failed');
    return true;
  } catch (error) {
    if (isRunning()) recorder.recordError((error as Error).message);
    return false;
  }
}

export class ConcurrencyLoad implements LoadDriver {
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly send: SendRequest,
    private readonly recorder: WindowRecorder,
    private readonly tensorBytes: number,
  ) {}

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.concurrency }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const delivered = await timedSend(this.send, this.recorder, this.tensorBytes, () => this.running);
      // A refused connection fails at once; pause so a dead server does not spin this loop.
      if (!delivered) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export class RequestRateLoad implements LoadDriver {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<boolean>>();
  private nextSendAt = 0;
  /** Sends that were skipped because too many requests were already outstanding. */
  dropped = 0;

  constructor(
    private readonly requestsPerSecond: number,
    private readonly send: SendRequest,
    private readonly recorder: WindowRecorder,
    private readonly tensorBytes: number,
    /** Past this many outstanding requests the server is hopelessly behind; more would only exhaust memory. */
    private readonly maxInFlight = 2048,
  ) {
    if (!(requestsPerSecond > 0)) throw new RangeError(`request rate must be positive, got ${requestsPerSecond}`);
  }

  start(): void {
    this.running = true;
    this.nextSendAt = performance.now();
    this.tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await Promise.all(this.inFlight);
  }

  /** Catches up on every send that is due (timers fire late under load), then sleeps until the next. */
  private tick(): void {
    if (!this.running) return;
    const interval = 1000 / this.requestsPerSecond;
    const now = performance.now();
    while (this.nextSendAt <= now) {
      this.nextSendAt += interval;
      if (this.inFlight.size >= this.maxInFlight) {
        this.dropped++;
        continue;
      }
      const pending = timedSend(this.send, this.recorder, this.tensorBytes, () => this.running);
      this.inFlight.add(pending);
      void pending.then(() => this.inFlight.delete(pending));
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.nextSendAt - performance.now()));
  }
}
