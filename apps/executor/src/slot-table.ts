import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { SUBJECTS, type ModelRecord, type SlotAnnouncement, type VersionStatistics } from '@flotilla/contracts';
import type { ModelConfig } from '@flotilla/model-config';
import { modelSignatureOf, planSlots, reconcileInstances, RetiredStatistics } from '@flotilla/execution';
import { EXECUTOR_OPTIONS, type ExecutorOptions } from './executor.options';
import { ModelFiles } from './model-files';
import { SlotEntry } from './slot-entry';
import { SlotLoader } from './slot-loader';
import { SlotRetirement } from './slot-retirement';
import { activeSlotsOf, ThreadBudget } from './thread-budget';

/**
 * Every instance slot this executor owns, created from the models placed on its device, and kept
 * matching them. Loading a slot (SlotLoader), retiring one (SlotRetirement) and sharing out the
 * cores (ThreadBudget) are done by helpers this table creates; the table decides which slots exist.
 */
@Injectable()
export class SlotTable implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('slots');
  private readonly slots = new Map<string, SlotEntry>();
  /** Ready slots a reload replaced, serving until their successors have loaded; then they retire. */
  private readonly superseded = new Map<string, SlotEntry>();
  /** Superseded slots whose successors did not all load: they serve until a sync takes them back or lets them go. */
  private readonly stranded = new Set<SlotEntry>();
  private readonly listeners: (() => void)[] = [];
  /** Numbers the slots' subjects; never reused, so a payload meant for a removed slot reaches no other. */
  private nextLane = 1;
  private readonly budget: ThreadBudget;
  private readonly loader: SlotLoader;
  private readonly retirement: SlotRetirement;
  /** The final statistics of the slots this executor closed, per model version (bounded). */
  private readonly retired = new RetiredStatistics();

  constructor(
    @Inject(EXECUTOR_OPTIONS) private readonly options: ExecutorOptions,
    files: ModelFiles,
  ) {
    const changed = () => this.changed();
    this.budget = new ThreadBudget(options.cores, this.logger);
    this.loader = new SlotLoader(options, files, this.budget, this.logger, changed);
    this.retirement = new SlotRetirement(changed, (entry) => this.retired.fold(entry.plan.model, entry.plan.version, entry.stats));
  }

  /** Called whenever a slot changes state, so that the change is announced at once. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Makes this executor's slots match the models: slots the models still ask for stay (matched by
   * instance signature, so a renamed or regrouped instance keeps running), the rest drain and
   * close (`retire`), and the missing ones load.
   */
  sync(models: readonly ModelRecord[]): void {
    const plans = planSlots(this.options.executorId, this.options.device, models);
    const tensors = new Map(models.filter((m) => m.config).map((m) => [m.name, modelSignatureOf(m.config as unknown as ModelConfig)]));
    // A replaced slot whose successors failed serves on: the repository answers a failed reload by
    // publishing the config that served, and that config wants it back.
    const stranded = [...this.superseded.values()].filter((entry) => this.stranded.has(entry));
    for (const entry of stranded) {
      this.superseded.delete(entry.plan.slotId);
      this.stranded.delete(entry);
      this.slots.set(entry.plan.slotId, entry);
    }
    const { reused, created, removed } = reconcileInstances([...this.slots.values()], plans);
    for (const { existing, desired } of reused) {
      if (existing.plan.instance !== desired.instance) existing.worker?.postToThread({ kind: 'rename', instance: desired.instance });
      existing.plan = { ...desired, slotId: existing.plan.slotId };
    }
    const loads: { entry: SlotEntry; loaded: Promise<void> }[] = [];
    for (const desired of created) {
      const plan = { ...desired, slotId: this.unusedSlotId(desired.slotId) };
      const entry = new SlotEntry(plan, SUBJECTS.slotExecute(this.options.executorId, this.nextLane++), tensors.get(plan.model)!);
      this.slots.set(plan.slotId, entry);
      loads.push({ entry, loaded: this.loader.load(entry, activeSlotsOf(plans, plan.model)) });
    }
    for (const entry of removed) {
      // Make before break: a ready slot whose version gets new slots (a reload that changed more
      // than the instance groups) serves on until they have loaded, so the version never has none.
      const successors = loads.filter(({ entry: next }) => next.plan.model === entry.plan.model && next.plan.version === entry.plan.version);
      if (entry.state !== 'ready' || successors.length === 0) {
        void this.retire(entry);
        continue;
      }
      this.slots.delete(entry.plan.slotId);
      this.superseded.set(entry.plan.slotId, entry);
      void Promise.all(successors.map(({ loaded }) => loaded)).then(() => {
        if (this.superseded.get(entry.plan.slotId) !== entry) return; // taken back, or the executor is stopping
        if (successors.some(({ entry: next }) => next.state !== 'ready')) return void this.stranded.add(entry);
        this.superseded.delete(entry.plan.slotId);
        void this.retirement.retire(entry);
      });
    }
    this.budget.warnOversubscription(plans);
    this.changed();
  }

  /** Whether every slot's thread can hear its payloads (false while some thread's link is down). */
  allThreadsLinked(): boolean {
    for (const entry of this.slots.values()) if (!entry.threadLinked) return false;
    return true;
  }

  announcements(): SlotAnnouncement[] {
    return [...this.slots.values(), ...this.superseded.values(), ...this.retirement.entries()].map((entry) => entry.announcement());
  }

  /** The final statistics of closed slots, per model version, and a number that grows when they change. */
  retiredStatistics(): { readonly list: VersionStatistics[]; readonly version: number } {
    return { list: this.retired.list(), version: this.retired.version };
  }

  /**
   * A graceful stop (SIGTERM): every ready slot turns `draining` and is announced so at once, and
   * the scheduler stops sending it payloads; then each slot's thread answers what it already holds
   * and ends. Nest runs this before any onApplicationShutdown, where the heartbeat announces that
   * the executor is leaving — so that comes after the last answer, and nothing running is lost.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const superseded = [...this.superseded.values()];
    this.superseded.clear();
    await Promise.all([...this.slots.values()].map((entry) => this.retire(entry)).concat(superseded.map((entry) => this.retirement.retire(entry))));
    await this.retirement.closeAll();
  }

  async onApplicationShutdown(): Promise<void> {
    // Nothing is left after beforeApplicationShutdown; this covers a shutdown that skipped it.
    await Promise.all([...this.slots.values(), ...this.superseded.values(), ...this.retirement.entries()].map((entry) => entry.worker?.close()));
  }

  /** A reused slot keeps its id after a rename, so a new instance may want an id already taken. */
  private unusedSlotId(wanted: string): string {
    let id = wanted;
    for (let n = 2; this.slots.has(id) || this.superseded.has(id) || this.retirement.has(id); n++) id = `${wanted}~${n}`;
    return id;
  }

  /** The slot leaves the table at once; SlotRetirement announces it draining until its thread ends. */
  private retire(entry: SlotEntry): Promise<void> {
    this.slots.delete(entry.plan.slotId);
    return this.retirement.retire(entry);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
