import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import * as sdk from '@opentelemetry/sdk-trace-base';
import { decidedSampler, hasValidTraceContext, isSampledTraceparent, withTraceDecision } from './sampling';

const parentWith = (traceFlags: number) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags, isRemote: true });

describe('sampling: the gateway decides, everyone else follows the parent', () => {
  const sampler = decidedSampler(sdk);
  const decide = (ctx: Parameters<typeof sampler.shouldSample>[0]) => sampler.shouldSample(ctx, '4bf92f3577b34da6a3ce929d0e0e4736', 'x', 0, {}, []).decision;

  it('honours the decision in the context, whatever the parent says', () => {
    expect(decide(withTraceDecision(parentWith(TraceFlags.NONE), true))).toBe(sdk.SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(withTraceDecision(parentWith(TraceFlags.SAMPLED), false))).toBe(sdk.SamplingDecision.NOT_RECORD);
  });

  it('follows the parent’s sampled flag without a decision, and starts no trace of its own', () => {
    expect(decide(parentWith(TraceFlags.SAMPLED))).toBe(sdk.SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(parentWith(TraceFlags.NONE))).toBe(sdk.SamplingDecision.NOT_RECORD);
    expect(decide(ROOT_CONTEXT)).toBe(sdk.SamplingDecision.NOT_RECORD);
  });

  it('reads the sampled flag of a traceparent and whether a context came from a caller', () => {
    expect(isSampledTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(true);
    expect(isSampledTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')).toBe(false);
    expect(isSampledTraceparent(undefined)).toBe(false);
    expect(isSampledTraceparent('garbage')).toBe(false);
    expect(hasValidTraceContext(parentWith(TraceFlags.NONE))).toBe(true);
    expect(hasValidTraceContext(ROOT_CONTEXT)).toBe(false);
  });
});
