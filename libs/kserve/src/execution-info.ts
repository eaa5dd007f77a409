import type { ExecutionStamp } from '@flotilla/contracts';

/**
 * A request parameter that asks for where and when the request ran, returned as response
 * parameters. Tests use it to prove slots overlap from their own stamps; operators to see placement.
 */
export const EXECUTION_INFO_PARAMETER = 'flotilla_execution_info';

/** The response parameters for a request that asked for its execution info, else undefined. */
export function executionParameters(requestParameters: Record<string, unknown>, execution: ExecutionStamp | undefined): Record<string, string | number> | undefined {
  if (requestParameters[EXECUTION_INFO_PARAMETER] !== true || !execution) return undefined;
  return {
    flotilla_executor: execution.executorId,
    flotilla_device: execution.device,
    flotilla_instance: execution.instance,
    flotilla_queue_us: execution.queueMicros,
    flotilla_compute_start_ms: execution.computeStartMs,
    flotilla_compute_end_ms: execution.computeEndMs,
    flotilla_tensors_via: execution.tensorsVia,
    // Dynamic batching: the execution's requests and batch size (absent for a lone run).
    ...(execution.batch ? { flotilla_batch_requests: execution.batch.requests, flotilla_batch_size: execution.batch.size } : {}),
  };
}
