import { createContextKey, isSpanContextValid, trace, TraceFlags, type Context } from '@opentelemetry/api';
import type * as SdkTraceBase from '@opentelemetry/sdk-trace-base';

/**
 * Who decides which requests are traced: the gateway, once per request, at the root of the
 * request's trace (Triton's trace settings: rate, count, level — `TraceSampling` in libs/kserve).
 * It starts the root span in a context that carries its decision; every other span follows its
 * parent's sampled flag, which `traceparent` carries across NATS to the scheduler and the executor.
 * So a request is traced in every service or in none, and no service starts a trace of its own.
 */
const DECISION = createContextKey('flotilla.trace-decision');

/** The context to start a request's root span in, carrying the gateway's decision for it. */
export function withTraceDecision(ctx: Context, traced: boolean): Context {
  return ctx.setValue(DECISION, traced);
}

/** Whether a context holds a valid span context from elsewhere (a caller's `traceparent`). */
export function hasValidTraceContext(ctx: Context): boolean {
  const parent = trace.getSpanContext(ctx);
  return parent !== undefined && isSpanContextValid(parent);
}

/** Whether a W3C `traceparent` value has its sampled flag set (`00-<trace>-<span>-01`). */
export function isSampledTraceparent(traceparent: string | undefined): boolean {
  if (!traceparent || traceparent.length < 55) return false;
  return (parseInt(traceparent.slice(53, 55), 16) & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
}

/** The SDK sampler for every service: the decision in the context if there is one, else the parent's flag, else nothing. */
export function decidedSampler(sdk: typeof SdkTraceBase): SdkTraceBase.Sampler {
  const { SamplingDecision } = sdk;
  return {
    shouldSample(ctx: Context) {
      const decided = ctx.getValue(DECISION);
      if (typeof decided === 'boolean') return { decision: decided ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
      const parent = trace.getSpanContext(ctx);
      const sampled = parent !== undefined && isSpanContextValid(parent) && (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
      return { decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
    },
    toString: () => 'FlotillaDecidedSampler',
  };
}
