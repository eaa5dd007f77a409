import { unsupported } from '@flotilla/contracts';
import type { TraceLevel, TraceSettings, TraceSettingsUpdate } from './trace-settings';

/** A model's own settings, each key optional (absent = the global one), with its own counters. */
interface ModelOverride {
  level?: TraceLevel;
  rate?: number;
  count?: number;
  /** Requests seen against this model's own rate. */
  sampled: number;
}

interface GlobalState {
  level: TraceLevel;
  rate: number;
  count: number;
  sampled: number;
}

/**
 * Which requests are traced, decided once per request at the gateway (the root of its trace; the
 * other services follow the sampled flag it propagates). Triton's rules (server:src/tracer.cc):
 *
 * - `level` OFF traces nothing, not even requests that bring their own trace context;
 * - otherwise a request with a valid incoming trace context is always traced, whatever the rate
 *   and the count, and of the others every `rate`-th (the rate-th, 2·rate-th, … counting every
 *   request; `rate` 0: only the propagated ones);
 * - every request the rate picks (a propagated one too) takes one from `count` unless it is -1;
 *   at 0 the rate picks no more until a new count is set.
 *
 * A model's settings override the global ones key by key; `null` clears an override. The counters
 * live with the setting: a model with its own `rate` counts its own requests, one with its own
 * `count` spends its own, and the others share the global ones. Setting a count or rate restarts
 * the corresponding counter, as in Triton.
 *
 * `exporting` is false when no OTLP endpoint is configured: then nothing could receive a trace,
 * and turning tracing on is refused rather than accepted and ignored.
 */
export class TraceSampling {
  private readonly global: GlobalState;
  private readonly models = new Map<string, ModelOverride>();

  constructor(
    private readonly initial: TraceSettings,
    private readonly exporting: boolean,
  ) {
    this.refuseUnexported(initial.level);
    this.global = { ...initial, sampled: 0 };
  }

  /** The settings in force for a model (its overrides over the global ones), or the global ones. */
  settings(model?: string): TraceSettings {
    const own = model === undefined ? undefined : this.models.get(model);
    return {
      level: own?.level ?? this.global.level,
      rate: own?.rate ?? this.global.rate,
      count: own?.count ?? this.global.count,
    };
  }

  /**
   * Applies one POST. Globally, `null` restores the value given at start (`--trace-config`, else
   * Triton's default); for a model it removes that model's override.
   */
  update(model: string | undefined, update: TraceSettingsUpdate): TraceSettings {
    if (update.level) this.refuseUnexported(update.level);
    if (model === undefined) {
      if (update.level !== undefined) this.global.level = update.level ?? this.initial.level;
      if (update.rate !== undefined) {
        this.global.rate = update.rate ?? this.initial.rate;
        this.global.sampled = 0;
      }
      if (update.count !== undefined) this.global.count = update.count ?? this.initial.count;
      return this.settings();
    }
    const own: ModelOverride = this.models.get(model) ?? { sampled: 0 };
    if (update.level !== undefined) own.level = update.level ?? undefined;
    if (update.rate !== undefined) {
      own.rate = update.rate ?? undefined;
      own.sampled = 0;
    }
    if (update.count !== undefined) own.count = update.count ?? undefined;
    if (own.level === undefined && own.rate === undefined && own.count === undefined) this.models.delete(model);
    else this.models.set(model, own);
    return this.settings(model);
  }

  /** Decides one request: true when it is traced. `propagated`: it came with a valid trace context. */
  shouldTrace(model: string, propagated: boolean): boolean {
    const own = this.models.get(model);
    if ((own?.level ?? this.global.level) === 'OFF') return false;
    const counted: { count: number } = own?.count !== undefined ? (own as { count: number }) : this.global;
    const rated: { rate: number; sampled: number } = own?.rate !== undefined ? (own as { rate: number; sampled: number }) : this.global;
    // As Triton's TraceSetting::SampleTrace: a spent count stops the rate, not propagated contexts.
    if (rated.rate === 0 || (counted.count === 0 && !propagated)) return propagated;
    rated.sampled += 1;
    let hit = rated.sampled % rated.rate === 0;
    if (hit && counted.count > 0) counted.count -= 1;
    else if (hit && counted.count === 0) hit = false;
    return propagated || hit;
  }

  private refuseUnexported(level: TraceLevel): void {
    if (level !== 'OFF' && !this.exporting) {
      throw unsupported(`trace level ${level} needs an OTLP endpoint: traces leave Flotilla only over OTLP, and OTEL_EXPORTER_OTLP_ENDPOINT is not set for the gateway (docs/observability.md)`);
    }
  }
}
