import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { FlotillaError, SUBJECTS, type ModelRecord, type SlotAnnouncement, type SlotStatistics } from '@flotilla/contracts';
import { defaultIntraOpThreads, oversubscriptionWarning, SlotWorker, type ExtensionMessage } from '@flotilla/backends';
import { dataTypeToDatatype, type ModelConfig } from '@flotilla/model-config';
import { planSlots, reconcileInstances, SlotStatisticsRecorder, type ModelSignature, type PlannedSlot } from '@flotilla/execution';
import { tracesExported } from '@flotilla/telemetry';
import { recordComputeSpan } from './compute-span';
import { EXECUTOR_OPTIONS, type ExecutorOptions } from './executor.options';
import type { FromServingThread, ServingConfig } from './slot-thread/serving-protocol';

/** The compiled serving thread (slot-thread/serving-thread.ts): it takes the slot's payloads from NATS itself. */
const SERVING_THREAD = join(__dirname, 'slot-thread', 'serving-thread.js');

/**
 * On a graceful stop, how long slots keep listening after they are announced `draining`: payloads
 * the scheduler sent before it heard are still on their way, and must arrive before the threads
 * unsubscribe, or they would fail as lost instead of running.
 */
const DRAIN_GRACE_MS = 250;

/**
 * A slot as this executor holds it:
 *
 *   loading ──▶ ready ──(thread dies)──▶ failed
 *      │          └──(executor stopping)──▶ draining ──▶ (closed, gone from the announcements)
 *      └──(load fails)──────────────────▶ failed
 *
 * Payloads never pass through here: the slot's thread subscribes to `subject` and answers them
 * itself (slot-thread/serving-thread.ts), one at a time.
 */
interface SlotEntry {
  /** What the slot is now; a reused slot takes its new instance name, its slotId stays. */
  plan: PlannedSlot;
  /** Its instance signature, fixed at creation: what it can stand for when the config changes. */
  readonly signature: string;
  /** Where the scheduler sends its payloads; the slot's thread listens there. */
  readonly subject: string;
  /** The model's tensors, for validating requests. */
  readonly tensors: ModelSignature;
  state: 'loading' | 'ready' | 'draining' | 'failed';
  error?: string;
  /** Triton-style request statistics as the slot's thread last reported them; announced in heartbeats. */
  stats: SlotStatistics;
  worker?: SlotWorker;
}

/** Every instance slot this executor owns, created from the models placed on its device. */
@Injectable()
export class SlotTable implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('slots');
  private readonly slots = new Map<string, SlotEntry>();
  /** Slots the models no longer ask for, finishing what they hold (`draining`) before they close. */
  private readonly retiring = new Map<string, SlotEntry>();
  private readonly listeners: (() => void)[] = [];
  private readonly warned = new Set<string>();
  /** Numbers the slots' subjects; never reused, so a payload meant for a removed slot reaches no other. */
  private nextLane = 1;
  private readonly reportSpans = tracesExported();

  constructor(@Inject(EXECUTOR_OPTIONS) private readonly options: ExecutorOptions) {}

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
    const tensors = new Map(models.filter((m) => m.config).map((m) => [m.name, tensorsOf(m.config as unknown as ModelConfig)]));
    const { reused, created, removed } = reconcileInstances([...this.slots.values()], plans);
    for (const entry of removed) void this.retire(entry);
    for (const { existing, desired } of reused) {
      if (existing.plan.instance !== desired.instance) existing.worker?.postToThread({ kind: 'rename', instance: desired.instance });
      existing.plan = { ...desired, slotId: existing.plan.slotId };
    }
    for (const desired of created) {
      const plan = { ...desired, slotId: this.unusedSlotId(desired.slotId) };
      const entry: SlotEntry = {
        plan,
        signature: plan.signature,
        subject: SUBJECTS.slotExecute(this.options.executorId, this.nextLane++),
        tensors: tensors.get(plan.model)!,
        state: 'loading',
        stats: new SlotStatisticsRecorder().snapshot(),
      };
      this.slots.set(plan.slotId, entry);
      void this.load(entry, activeSlotsOf(plans, plan.model));
    }
    this.warnOversubscription(plans);
    this.changed();
  }

  /** A reused slot keeps its id after a rename, so a new instance may want an id already taken. */
  private unusedSlotId(wanted: string): string {
    let id = wanted;
    for (let n = 2; this.slots.has(id) || this.retiring.has(id); n++) id = `${wanted}~${n}`;
    return id;
  }

  /**
   * Takes a slot out of service without losing what it runs: it is announced `draining` (the
   * scheduler sends it nothing new), keeps listening for payloads already on their way, answers
   * what it holds, and only then closes and leaves the announcements.
   */
  private async retire(entry: SlotEntry): Promise<void> {
    this.slots.delete(entry.plan.slotId);
    if (entry.state !== 'ready') return void entry.worker?.close();
    entry.state = 'draining';
    this.retiring.set(entry.plan.slotId, entry);
    this.changed();
    await new Promise((resolve) => setTimeout(resolve, DRAIN_GRACE_MS));
    await entry.worker?.close();
    this.retiring.delete(entry.plan.slotId);
    this.changed();
  }

  announcements(): SlotAnnouncement[] {
    return [...this.slots.values(), ...this.retiring.values()].map(({ plan, subject, state, error, stats }) => ({
      slotId: plan.slotId,
      subject,
      model: plan.model,
      version: plan.version,
      group: plan.group,
      instance: plan.instance,
      passive: plan.passive,
      state,
      stats,
      ...(error ? { error } : {}),
    }));
  }

  /**
   * A graceful stop (SIGTERM): every ready slot turns `draining` and is announced so at once, and
   * the scheduler stops sending it payloads; then each slot's thread answers what it already holds
   * and ends. Nest runs this before any onApplicationShutdown, where the heartbeat announces that
   * the executor is leaving — so that comes after the last answer, and nothing running is lost.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.slots.values()].map((entry) => this.retire(entry)));
    await Promise.all([...this.retiring.values()].map((entry) => entry.worker?.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    // Nothing is left after beforeApplicationShutdown; this covers a shutdown that skipped it.
    await Promise.all([...this.slots.values(), ...this.retiring.values()].map((entry) => entry.worker?.close()));
  }

  private async load(entry: SlotEntry, activeSlots: number): Promise<void> {
    const { plan } = entry;
    const intraOpThreads = this.intraOpThreads(plan, activeSlots);
    const serving: ServingConfig = {
      natsServers: this.options.natsUrl,
      subject: entry.subject,
      executorId: this.options.executorId,
      device: this.options.device,
      slotId: plan.slotId,
      modelVersion: plan.version,
      instance: plan.instance,
      tensors: entry.tensors,
      statsIntervalMs: this.options.heartbeatMs,
      releaseBatch: this.options.releaseBatch,
      reportSpans: this.reportSpans,
    };
    try {
      const worker = await SlotWorker.start(
        {
          slotId: plan.slotId,
          modelName: plan.model,
          modelVersion: plan.version,
          modelPath: plan.modelPath,
          backend: plan.backend === 'javascript' ? 'javascript' : 'onnxruntime',
          executionProvider: this.options.executionProvider,
          deviceId: this.options.deviceId,
          intraOpThreads,
          interOpThreads: plan.interOpThreads ?? 1,
          device: this.options.device,
          inputNames: entry.tensors.input.map((input) => input.name),
          outputNames: entry.tensors.output.map((output) => output.name),
          parameters: plan.parameters,
        },
        { threadScript: SERVING_THREAD, extension: { data: serving, onMessage: (message) => this.onThreadMessage(entry, message) } },
      );
      if (this.slots.get(entry.plan.slotId) !== entry) return void worker.close(); // removed while loading
      worker.on('exit', (exit) => {
        if (!exit.unexpected) return;
        entry.state = 'failed';
        entry.error = `worker thread of instance '${plan.instance}' exited unexpectedly (code ${exit.exitCode}${exit.error ? `: ${exit.error.message}` : ''})`;
        this.logger.error(entry.error);
        this.changed();
      });
      entry.worker = worker;
      entry.state = 'ready';
      const how = plan.backend === 'javascript' ? 'javascript backend' : `onnxruntime, ${this.options.executionProvider} provider, ${intraOpThreads} intra-op thread(s)`;
      this.logger.log(`instance ${plan.instance} of ${plan.model} v${plan.version} ready on ${this.options.device} (${how})`);
    } catch (error) {
      entry.state = 'failed';
      entry.error = error instanceof FlotillaError || error instanceof Error ? error.message : String(error);
      this.logger.error(`instance ${plan.instance} of ${plan.model} v${plan.version} failed to load: ${entry.error}`);
    }
    this.changed();
  }

  private onThreadMessage(entry: SlotEntry, message: ExtensionMessage): void {
    const report = message as FromServingThread;
    if (report.kind === 'stats') entry.stats = report.stats; // announced with the next heartbeat
    else if (report.kind === 'span') recordComputeSpan(report, { slotId: entry.plan.slotId, instance: entry.plan.instance, version: entry.plan.version });
  }

  /**
   * A model's slots share the device's cores: by default each gets cores / slots threads, so that
   * `count: 2` on two cores runs two single-threaded sessions side by side, not four threads.
   */
  private intraOpThreads(plan: PlannedSlot, activeSlots: number): number {
    return plan.intraOpThreads ?? defaultIntraOpThreads(this.options.cores, Math.max(1, activeSlots));
  }

  /** Once per model: its slots × threads should not exceed the cores, or its runs slow each other. */
  private warnOversubscription(plans: readonly PlannedSlot[]): void {
    // Thread counts only mean something to ONNX Runtime; a JavaScript model runs on its slot's thread alone.
    for (const model of new Set(plans.filter((plan) => plan.backend !== 'javascript').map((plan) => plan.model))) {
      const first = plans.find((plan) => plan.model === model)!;
      const active = activeSlotsOf(plans, model);
      const warning = oversubscriptionWarning(this.options.cores, active, this.intraOpThreads(first, active));
      if (warning && !this.warned.has(model)) this.logger.warn(`model '${model}': ${warning}`);
      this.warned.add(model);
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

const activeSlotsOf = (plans: readonly PlannedSlot[], model: string) => plans.filter((plan) => plan.model === model && !plan.passive).length;

function tensorsOf(config: ModelConfig): ModelSignature {
  return {
    name: config.name,
    max_batch_size: config.max_batch_size,
    input: config.input.map((input) => ({
      name: input.name,
      datatype: dataTypeToDatatype(input.data_type),
      dims: input.dims,
      optional: input.optional,
    })),
    output: config.output.map((output) => ({ name: output.name })),
  };
}
