import { invalidArg } from '@flotilla/contracts';

/** The request's place in its model's queue, from its `priority` and `timeout` parameters. */
export interface ScheduleParameters {
  readonly priority?: number;
  /** Microseconds. */
  readonly timeoutMicros?: number;
}

/**
 * Triton's schedule_policy extension: the request-level `priority` (a level of the model's
 * `dynamic_batching.priority_levels`; 0 or one above the levels means the default level, as in
 * Triton) and `timeout` (microseconds it may wait in the queue; how it combines with the model's
 * queue policy is the scheduler's business). Both must be non-negative integers: anything else is
 * a 400 that names the parameter, over HTTP and gRPC alike.
 */
export function scheduleParameters(parameters: Record<string, unknown>): ScheduleParameters {
  const priority = nonNegativeInteger(parameters, 'priority');
  const timeoutMicros = nonNegativeInteger(parameters, 'timeout');
  return { ...(priority ? { priority } : {}), ...(timeoutMicros ? { timeoutMicros } : {}) };
}

function nonNegativeInteger(parameters: Record<string, unknown>, name: string): number | undefined {
  const value = parameters[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArg(`request parameter '${name}' must be a non-negative integer${name === 'timeout' ? ' (microseconds)' : ''}, got ${JSON.stringify(value)}`);
  }
  return value;
}
