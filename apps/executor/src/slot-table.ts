import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { FlotillaError, unavailable, type ModelRecord, type SlotAnnouncement, type Tensor } from '@flotilla/contracts';
import { defaultIntraOpThreads, oversubscriptionWarning, SlotWorker, type ExecuteResult } from '@flotilla/backends';
import { dataTypeToDatatype, type ModelConfig } from '@flotilla/model-config';
import { planSlots, reconcileInstances, SlotStatisticsRecorder, type ModelSignature, type PlannedSlot } from '@flotilla/scheduling';
import { EXECUTOR_OPTIONS, type ExecutorOptions } from './executor.options';

/**
 * A slot as this executor holds it:
 *
 *   loading ──▶ ready ──(thread dies)──▶ failed
 *      └──(load fails)──────────────────▶ failed
 *
 * `tail` serialises executions: the scheduler sends a slot one payload at a time, but a late
 * release or a restarted scheduler could overlap two, and a slot must never run both at once.
 */
interface SlotEntry {
  /** What the slot is now; a reused slot takes its new instance name, its slotId stays. */
  plan: PlannedSlot;
  /** Its instance signature, fixed at creation: what it can stand for when the config changes. */
  readonly signature: string;
  /** The model's tensors, for validating requests. */
  readonly tensors: ModelSignature;
  state: 'loading' | 'ready' | 'failed';
  error?: string;
  /** Triton-style request statistics, announced in heartbeats and summed by the scheduler. */
  readonly stats: SlotStatisticsRecorder;
  worker?: SlotWorker;
  tail: Promise<unknown>;
}

/** Every instance slot this executor owns, created from the models placed on its device. */
@Injectable()
export class SlotTable implements OnApplicationShutdown {
  private readonly logger = new Logger('slots');
  private readonly slots = new Map<string, SlotEntry>();
  private readonly listeners: (() => void)[] = [];
  private readonly warned = new Set<string>();

  constructor(@Inject(EXECUTOR_OPTIONS) private readonly options: ExecutorOptions) {}

  /** Called whenever a slot changes state, so that the change is announced at once. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Makes this executor's slots match the models: slots the models still ask for stay (matched by
   * instance signature, so a renamed or regrouped instance keeps running), the rest close, and the
   * missing ones load.
   */
  sync(models: readonly ModelRecord[]): void {
    const plans = planSlots(this.options.executorId, this.options.device, models);
    const tensors = new Map(models.filter((m) => m.config).map((m) => [m.name, tensorsOf(m.config as unknown as ModelConfig)]));
    const { reused, created, removed } = reconcileInstances([...this.slots.values()], plans);
    for (const entry of removed) {
      this.slots.delete(entry.plan.slotId);
      void entry.worker?.close();
    }
    for (const { existing, desired } of reused) existing.plan = { ...desired, slotId: existing.plan.slotId };
    for (const desired of created) {
      const plan = { ...desired, slotId: this.unusedSlotId(desired.slotId) };
      const entry: SlotEntry = { plan, signature: plan.signature, tensors: tensors.get(plan.model)!, state: 'loading', stats: new SlotStatisticsRecorder(), tail: Promise.resolve() };
      this.slots.set(plan.slotId, entry);
      void this.load(entry, activeSlotsOf(plans, plan.model));
    }
    this.warnOversubscription(plans);
    this.changed();
  }

  /** A reused slot keeps its id after a rename, so a new instance may want an id already taken. */
  private unusedSlotId(wanted: string): string {
    let id = wanted;
    for (let n = 2; this.slots.has(id); n++) id = `${wanted}~${n}`;
    return id;
  }

  get(slotId: string): SlotEntry | undefined {
    return this.slots.get(slotId);
  }

  /** Runs inputs on the slot once it is free. Rejects with a clear error if it cannot run. */
  execute(entry: SlotEntry, inputs: readonly Tensor[], outputs: readonly string[]): Promise<ExecuteResult> {
    const run = entry.tail.then(() => {
      if (entry.state !== 'ready' || !entry.worker) {
        throw unavailable(`instance '${entry.plan.instance}' of model '${entry.plan.model}' cannot execute: it is ${entry.state}${entry.error ? ` (${entry.error})` : ''}`);
      }
      return entry.worker.execute(inputs, outputs.length > 0 ? outputs : undefined);
    });
    entry.tail = run.catch(() => undefined);
    return run;
  }

  announcements(): SlotAnnouncement[] {
    return [...this.slots.values()].map(({ plan, state, error, stats }) => ({
      slotId: plan.slotId,
      model: plan.model,
      version: plan.version,
      group: plan.group,
      instance: plan.instance,
      passive: plan.passive,
      state,
      stats: stats.snapshot(),
      ...(error ? { error } : {}),
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.slots.values()].map((entry) => entry.worker?.close()));
  }

  private async load(entry: SlotEntry, activeSlots: number): Promise<void> {
    const { plan } = entry;
    const intraOpThreads = this.intraOpThreads(plan, activeSlots);
    try {
      const worker = await SlotWorker.start({
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
      });
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
