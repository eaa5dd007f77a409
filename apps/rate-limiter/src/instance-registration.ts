import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { DeviceName, SlotAnnouncement } from '@flotilla/contracts';
import type { RateLimiter } from '@flotilla/rate-limiting';
import { FleetView, type FleetChange } from '@flotilla/service-kit';

/** The deployment's rate limiter (domain object), or undefined with `--rate-limit=off`. */
export const RATE_LIMITER = Symbol('RateLimiter');

/**
 * Keeps the rate limiter's instances equal to the fleet's executable slots: a slot that becomes
 * ready registers (with its group's resources and priority, one model version's slots of one
 * executor at a time, all or none), a slot that is gone is removed and gives back what it held.
 * Passive slots never register (the fleet view holds no passive slot as executable).
 */
@Injectable()
export class InstanceRegistration implements OnApplicationBootstrap {
  private readonly logger = new Logger('rate-limiter');
  private readonly registered: ((slotIds: readonly string[]) => void)[] = [];
  /** Which executor (process) each registered slot lives in: a hand-over never leaves one. */
  private readonly executors = new Map<string, string>();

  constructor(
    private readonly fleet: FleetView,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter | undefined,
  ) {}

  /**
   * Called after every change with the slots it registered (maybe none): the grant loop stages
   * those staged early, and grants what removed slots gave back.
   */
  onRegistered(listener: (slotIds: readonly string[]) => void): void {
    this.registered.push(listener);
  }

  /** The executor a registered slot lives in (undefined for a slot not registered). */
  executorOf(slotId: string): string | undefined {
    return this.executors.get(slotId);
  }

  onApplicationBootstrap(): void {
    const limiter = this.limiter;
    if (!limiter) return;
    this.fleet.onChange((change) => this.apply(limiter, change));
  }

  private apply(limiter: RateLimiter, { executor, changes }: FleetChange): void {
    for (const slot of changes.gone) {
      this.executors.delete(slot.slotId);
      if (limiter.has(slot.slotId)) limiter.remove(slot.slotId);
    }
    const registered: string[] = [];
    for (const slots of executor ? byVersion(changes.ready) : []) {
      try {
        limiter.register(slots.map((slot) => instanceOf(slot, executor!.device)));
        registered.push(...slots.map((slot) => slot.slotId));
        for (const slot of slots) this.executors.set(slot.slotId, executor!.executorId);
      } catch (error) {
        // The model repository refuses such models at load; this is a fleet out of step with it.
        this.logger.error(`instances of ${slots[0].model} v${slots[0].version} on ${executor!.device} not registered: ${(error as Error).message}`);
      }
    }
    for (const listener of this.registered) listener(registered);
  }
}

function byVersion(slots: readonly SlotAnnouncement[]): SlotAnnouncement[][] {
  const groups = new Map<string, SlotAnnouncement[]>();
  for (const slot of slots) {
    const key = `${slot.model}\u0000${slot.version}`;
    const group = groups.get(key);
    if (group) group.push(slot);
    else groups.set(key, [slot]);
  }
  return [...groups.values()];
}

function instanceOf(slot: SlotAnnouncement, device: DeviceName) {
  return { id: slot.slotId, model: slot.model, version: slot.version, device, resources: slot.rateLimiter.resources, priority: slot.rateLimiter.priority };
}
