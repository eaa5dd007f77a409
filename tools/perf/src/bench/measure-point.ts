// One load point against one contender, measured with the given settings, with a progress line.
import type { ProgressLine } from '../cli/progress-line';
import { windowProgress } from '../cli/report-text';
import { runPerf, type PerfLevelResult } from '../perf-run';
import type { Contender, MeasureSettings } from './contenders';
import type { LoadPoint } from './scenarios';

export async function measurePoint(contender: Contender, point: LoadPoint, settings: MeasureSettings, label: string, progress: ProgressLine): Promise<PerfLevelResult> {
  const run = await runPerf({
    url: point.protocol === 'grpc' ? contender.grpcAddress! : contender.url,
    model: point.model,
    protocol: point.protocol,
    mode: 'concurrency',
    levels: [point.concurrency],
    ...(point.inputBytes ? { inputBytes: point.inputBytes } : {}),
    ...settings,
    onWindow: (_level, figures, index) => progress.update(windowProgress(label, figures, index, settings.maxWindows)),
  });
  progress.clear();
  return run.levels[0];
}
