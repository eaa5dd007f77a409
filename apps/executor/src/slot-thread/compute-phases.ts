import type { RunTiming } from '@flotilla/backends';
import type { ComputeDurations } from '@flotilla/execution';

/**
 * Triton's three compute phases of one execution, in ns: input (from the payload's arrival — decode,
 * read, validate, join, and the backend's input tensors — to the model's own run), infer (the run),
 * output (reading the outputs back, cutting and encoding the replies). The runner marks its own
 * run when it can (`timing`); otherwise the whole runner call counts as infer.
 */
export function computePhases(startMs: number, callStartMs: number, callEndMs: number, endMs: number, timing: RunTiming): ComputeDurations {
  const inferStart = timing.inferStartMs ?? callStartMs;
  const inferEnd = timing.inferEndMs ?? callEndMs;
  return { inputNs: (inferStart - startMs) * 1e6, inferNs: (inferEnd - inferStart) * 1e6, outputNs: (endMs - inferEnd) * 1e6 };
}
