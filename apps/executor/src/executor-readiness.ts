import { Inject, Injectable } from '@nestjs/common';
import type { ServiceReadiness } from '@flotilla/service-kit';
import { EXECUTOR_OPTIONS, type ExecutorOptions } from './executor.options';
import { SlotTable } from './slot-table';

/** The executor's health answer: ready once no slot is still loading and none failed; named by its executor id. */
@Injectable()
export class ExecutorReadiness implements ServiceReadiness {
  readonly instance: string;

  constructor(
    private readonly slots: SlotTable,
    @Inject(EXECUTOR_OPTIONS) options: ExecutorOptions,
  ) {
    this.instance = options.executorId;
  }

  readiness(): { ready: boolean; reasons: string[] } {
    const reasons: string[] = [];
    for (const slot of this.slots.announcements()) {
      if (slot.state === 'loading') reasons.push(`slot ${slot.slotId} is loading`);
      if (slot.state === 'failed') reasons.push(`slot ${slot.slotId} failed${slot.error ? `: ${slot.error}` : ''}`);
    }
    return { ready: reasons.length === 0, reasons };
  }
}
