import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SUBJECTS, type StatisticsFlush, type StatisticsSnapshot } from '@flotilla/contracts';
import { ControlPlaneClient, FleetView } from '@flotilla/service-kit';
import { SchedulerState } from './scheduler.state';

/**
 * How long a read waits for the executors' flush beats. Below the gateway's control-request
 * deadline (2 s), so that a slow executor makes a read stale (and says so), never a failed one.
 */
export const FLUSH_TIMEOUT_MS = 1000;

interface PendingFlush {
  readonly waiting: Set<string>;
  readonly done: () => void;
}

/**
 * Statistics that are exact when read. Executors send their figures in beats, up to a heartbeat
 * late; so a read first asks every executor to beat at once (a StatisticsFlush, answered with a
 * beat carrying its token and the figures its slots' threads have counted, read from shared
 * memory), and waits until each one in the fleet has answered or left. A slot thread counts a
 * request before it sends the reply, so whatever a client has had answered is in the figures.
 * Executors that do not answer within FLUSH_TIMEOUT_MS are named in `stale`.
 */
@Injectable()
export class StatisticsReader implements OnApplicationBootstrap {
  private readonly logger = new Logger('statistics');
  private readonly pending = new Map<string, PendingFlush>();

  constructor(
    private readonly fleet: FleetView,
    private readonly control: ControlPlaneClient,
    private readonly state: SchedulerState,
  ) {}

  onApplicationBootstrap(): void {
    this.fleet.onBeat((beat) => {
      if (beat.flush !== undefined) this.answered(beat.flush, beat.executorId);
    });
    // An executor that left has had its last figures folded in: nothing more to wait for.
    this.fleet.onChange(({ executorId, cause }) => {
      if (cause !== 'announced') for (const token of this.pending.keys()) this.answered(token, executorId);
    });
  }

  async read(): Promise<StatisticsSnapshot> {
    const waiting = new Set(this.fleet.executors().map((executor) => executor.executorId));
    if (waiting.size > 0) await this.flush(waiting);
    const stale = [...waiting].filter((executorId) => this.fleet.get(executorId) !== undefined);
    if (stale.length > 0) this.logger.warn(`statistics read without a fresh answer from executor(s) ${stale.join(', ')}: their figures are from their last beat`);
    return { models: this.state.statistics(), refusals: this.state.refusals(), startedAt: this.state.startedAt, ...(stale.length > 0 ? { stale } : {}) };
  }

  /** Resolves once every executor in `waiting` answered (emptying it), or after FLUSH_TIMEOUT_MS. */
  private async flush(waiting: Set<string>): Promise<void> {
    const token = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<void>((resolve) => {
      this.pending.set(token, { waiting, done: resolve });
      timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
    });
    try {
      await this.control.emitEvent(SUBJECTS.statisticsFlush, { token } satisfies StatisticsFlush);
      await answered;
    } finally {
      clearTimeout(timer);
      this.pending.delete(token);
    }
  }

  private answered(token: string, executorId: string): void {
    const flush = this.pending.get(token);
    if (!flush?.waiting.delete(executorId)) return;
    if (flush.waiting.size === 0) flush.done();
  }
}
