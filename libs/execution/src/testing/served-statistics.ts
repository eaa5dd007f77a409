import { SlotStatisticsRecorder } from '../statistics';

/** A slot's statistics after `successes` single-request executions (1 ns input, 2 infer, 3 output, 4 queue). */
export function servedStatistics(successes: number) {
  const recorder = new SlotStatisticsRecorder(1);
  for (let i = 0; i < successes; i++) {
    recorder.recordExecution(1, { inputNs: 1, inferNs: 2, outputNs: 3 });
    recorder.recordSuccess(4, { inputNs: 1, inferNs: 2, outputNs: 3 }, i);
  }
  return recorder.snapshot();
}
