import type { Logger } from '@nestjs/common';
import { defaultIntraOpThreads, oversubscriptionWarning } from '@flotilla/backends';
import type { PlannedSlot } from '@flotilla/execution';

/** How many of a model's slots share the device's cores: passive instances run nothing. */
export const activeSlotsOf = (plans: readonly PlannedSlot[], model: string) => plans.filter((plan) => plan.model === model && !plan.passive).length;

/** The executor's cores, shared out among the slots' ONNX Runtime sessions. */
export class ThreadBudget {
  private readonly warned = new Set<string>();

  constructor(
    private readonly cores: number,
    private readonly logger: Logger,
  ) {}

  /**
   * A model's slots share the device's cores: by default each gets cores / slots threads, so that
   * `count: 2` on two cores runs two single-threaded sessions side by side, not four threads.
   */
  intraOpThreads(plan: PlannedSlot, activeSlots: number): number {
    return plan.intraOpThreads ?? defaultIntraOpThreads(this.cores, Math.max(1, activeSlots));
  }

  /** Once per model: its slots × threads should not exceed the cores, or its runs slow each other. */
  warnOversubscription(plans: readonly PlannedSlot[]): void {
    // Thread counts only mean something to ONNX Runtime; a JavaScript model runs on its slot's thread alone.
    for (const model of new Set(plans.filter((plan) => plan.backend !== 'javascript').map((plan) => plan.model))) {
      const first = plans.find((plan) => plan.model === model)!;
      const active = activeSlotsOf(plans, model);
      const warning = oversubscriptionWarning(this.cores, active, this.intraOpThreads(first, active));
      if (warning && !this.warned.has(model)) this.logger.warn(`model '${model}': ${warning}`);
      this.warned.add(model);
    }
  }
}
