import type { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { FlotillaError } from '@flotilla/contracts';
import { SlotWorker } from '@flotilla/backends';
import { tracesExported } from '@flotilla/telemetry';
import type { ExecutorOptions } from './executor.options';
import type { ModelFiles } from './model-files';
import type { SlotEntry } from './slot-entry';
import { servingConfigOf, slotSpecOf } from './slot-thread-config';
import { onThreadReport } from './slot-thread-reports';
import type { ThreadBudget } from './thread-budget';

/** The compiled serving thread (slot-thread/serving-thread.ts): it takes the slot's payloads from NATS itself. */
const SERVING_THREAD = join(__dirname, 'slot-thread', 'serving-thread.js');

/** Starts a slot's serving thread and moves its entry to `ready`, or to `failed` with the reason. */
export class SlotLoader {
  /** Read once: only when traces are exported do threads report their compute spans. */
  private readonly reportSpans = tracesExported();

  /** @param changed called whenever a slot changes state, so that the change is announced at once */
  constructor(
    private readonly options: ExecutorOptions,
    private readonly files: ModelFiles,
    private readonly budget: ThreadBudget,
    private readonly logger: Logger,
    private readonly changed: () => void,
  ) {}

  /** @param activeSlots how many slots the model runs on this device, sharing its cores */
  async load(entry: SlotEntry, activeSlots: number): Promise<void> {
    const { plan } = entry;
    const intraOpThreads = this.budget.intraOpThreads(plan, activeSlots);
    try {
      // The version's files first: from the repository's folder, or fetched into this host's cache.
      const model = await this.files.resolve(plan);
      if ((entry.state as SlotEntry['state']) === 'closed') return; // removed while its files were fetched
      const worker = await SlotWorker.start(slotSpecOf(entry, this.options, intraOpThreads, model.path), {
        threadScript: SERVING_THREAD,
        data: servingConfigOf(entry, this.options, this.reportSpans),
        onMessage: (message) => onThreadReport(entry, message, this.changed),
      });
      if (entry.state === 'closed') return void worker.close(); // removed while loading
      worker.on('exit', (exit) => {
        if (!exit.unexpected) return;
        entry.fail(`worker thread of instance '${plan.instance}' exited unexpectedly (code ${exit.exitCode}${exit.error ? `: ${exit.error.message}` : ''})`);
        this.logger.error(entry.error);
        this.changed();
      });
      entry.ready(worker);
      const how = plan.backend === 'javascript' ? 'javascript backend' : `onnxruntime, ${this.options.executionProvider} provider, ${intraOpThreads} intra-op thread(s)`;
      const from = model.from === 'cache' ? `from the model cache, ${model.path}` : `from ${model.path}`;
      this.logger.log(`instance ${plan.instance} of ${plan.model} v${plan.version} ready on ${this.options.device} (${how}; ${from})`);
    } catch (error) {
      const message = error instanceof FlotillaError || error instanceof Error ? error.message : String(error);
      // A slot removed while loading has already left the table; its failure is only logged.
      if (entry.state !== 'closed') entry.fail(message);
      this.logger.error(`instance ${plan.instance} of ${plan.model} v${plan.version} failed to load: ${message}`);
    }
    this.changed();
  }
}
