import { Injectable } from '@nestjs/common';
import type { ModelRecord } from '@flotilla/contracts';
import { versionSlots, type VersionOutcome } from '@flotilla/repository';
import { FleetView } from '@flotilla/service-kit';

/** How long a load waits for its instances before it is reported failed, naming those still missing. */
export const LOAD_TIMEOUT_MS = 300_000;

/**
 * Waits, from the executors' announcements, until each of a model's versions being loaded has an
 * outcome: ready once every instance its config places has a loaded session, failed as soon as one
 * instance failed (its error is the reason), or failed after LOAD_TIMEOUT_MS naming the instances
 * still missing — a load is never a silent wait.
 */
@Injectable()
export class SlotWatch {
  constructor(private readonly fleet: FleetView) {}

  outcomes(record: ModelRecord, versions: readonly number[], timeoutMs = LOAD_TIMEOUT_MS): Promise<Map<number, VersionOutcome>> {
    return new Promise((resolve) => {
      const outcomes = new Map<number, VersionOutcome>();
      const waiting = new Map<number, readonly string[]>();
      const check = (): boolean => {
        const executors = this.fleet.executors();
        for (const version of versions) {
          if (outcomes.has(version)) continue;
          const state = versionSlots(record, version, executors);
          if (state.kind === 'loading') waiting.set(version, state.waitingFor);
          else outcomes.set(version, state.kind === 'ready' ? { kind: 'ready' } : { kind: 'failed', reason: state.reason });
        }
        return outcomes.size === versions.length;
      };
      if (check()) return resolve(outcomes);
      const timer = setTimeout(() => {
        stop();
        for (const version of versions) {
          if (outcomes.has(version)) continue;
          const missing = (waiting.get(version) ?? []).join(', ');
          outcomes.set(version, { kind: 'failed', reason: `instances did not finish loading within ${timeoutMs / 1000} s (still waiting for ${missing})` });
        }
        resolve(outcomes);
      }, timeoutMs);
      const stop = this.fleet.onChange(() => {
        if (!check()) return;
        clearTimeout(timer);
        stop();
        resolve(outcomes);
      });
    });
  }
}
