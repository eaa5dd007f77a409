import type { SlotAnnouncement, SlotState, SlotStatistics } from '@flotilla/contracts';
import type { SlotWorker } from '@flotilla/backends';
import { SlotStatisticsRecorder, type ModelSignature, type PlannedSlot } from '@flotilla/execution';

/**
 * A slot's life in this executor: the states it announces (the contracts' `SlotState`), and
 * `closed` once it has left the table, which nobody hears of except through its absence.
 */
export type SlotEntryState = SlotState | 'closed';

/**
 *   loading ──▶ ready ──▶ draining ──▶ closed    a slot's whole life; it drains on a config change or a stop
 *   loading ──▶ failed                          the model did not load
 *   ready, draining ──▶ failed                  its thread died
 *   loading, failed ──▶ closed                  removed before it was ready, or after it failed
 */
const ALLOWED: Readonly<Record<SlotEntryState, readonly SlotEntryState[]>> = {
  loading: ['ready', 'failed', 'closed'],
  ready: ['draining', 'failed'],
  draining: ['closed', 'failed'],
  failed: ['closed'],
  closed: [],
};

/** A transition the list above does not allow is a bug in the caller, so it throws rather than being ignored. */
export class IllegalSlotTransitionError extends Error {
  constructor(
    readonly from: SlotEntryState,
    readonly to: SlotEntryState,
    slotId: string,
  ) {
    super(`slot ${slotId}: illegal state transition ${from} → ${to}`);
    this.name = 'IllegalSlotTransitionError';
  }
}

/**
 * A slot as this executor holds it. Payloads never pass through here: the slot's thread
 * subscribes to `subject` and answers them itself (slot-thread/serving-thread.ts), one at a time.
 */
export class SlotEntry {
  /** What the slot is now; a reused slot takes its new instance name, its slotId stays. */
  plan: PlannedSlot;
  /** Its instance signature, fixed at creation: what it can stand for when the config changes. */
  readonly signature: string;
  /** Where the slot's thread counts its Triton-style statistics (shared memory: read here at any time). */
  readonly recorder: SlotStatisticsRecorder;
  private lastRead: { version: number; stats: SlotStatistics } | undefined;
  /** Whether its thread's own link to NATS is up (and its subscription back after an outage). */
  threadLinked = true;
  /** How often its thread's link dropped (SlotAnnouncement.relinks). */
  relinks = 0;
  private current: SlotEntryState = 'loading';
  private failure: string | undefined;
  private thread: SlotWorker | undefined;

  /**
   * @param subject where the scheduler sends its payloads; the slot's thread listens there
   * @param tensors the model's tensors, for validating requests
   */
  constructor(
    plan: PlannedSlot,
    readonly subject: string,
    readonly tensors: ModelSignature,
  ) {
    this.plan = plan;
    this.signature = plan.signature;
    this.recorder = new SlotStatisticsRecorder(tensors.max_batch_size);
  }

  /**
   * The slot's statistics as its thread has counted them, read now. The same object while nothing
   * changed, so that StatisticsDelta tells a change by identity.
   */
  get stats(): SlotStatistics {
    const version = this.recorder.version;
    if (this.lastRead?.version !== version) this.lastRead = { version, stats: this.recorder.snapshot() };
    return this.lastRead.stats;
  }

  get state(): SlotEntryState {
    return this.current;
  }

  get error(): string | undefined {
    return this.failure;
  }

  /** The slot's thread, from the moment it is ready. */
  get worker(): SlotWorker | undefined {
    return this.thread;
  }

  ready(worker: SlotWorker): void {
    this.moveTo('ready');
    this.thread = worker;
  }

  /** Announced so, the slot gets no new payloads and finishes those it holds. */
  drain(): void {
    this.moveTo('draining');
  }

  fail(error: string): void {
    this.moveTo('failed');
    this.failure = error;
  }

  /** The slot has left the table for good. */
  close(): void {
    this.moveTo('closed');
  }

  /** What heartbeats say about the slot; a closed slot has left the table and is never announced. */
  announcement(): SlotAnnouncement {
    const { plan, subject, stats, failure, current: state } = this;
    if (state === 'closed') throw new Error(`slot ${plan.slotId} is closed: it has nothing to announce`);
    return {
      slotId: plan.slotId,
      subject,
      model: plan.model,
      version: plan.version,
      group: plan.group,
      instance: plan.instance,
      passive: plan.passive,
      rateLimiter: plan.rateLimiter,
      signature: this.signature,
      state,
      stats,
      ...(failure ? { error: failure } : {}),
      ...(this.relinks ? { relinks: this.relinks } : {}),
    };
  }

  private moveTo(next: SlotEntryState): void {
    if (!ALLOWED[this.current].includes(next)) throw new IllegalSlotTransitionError(this.current, next, this.plan.slotId);
    this.current = next;
  }
}
