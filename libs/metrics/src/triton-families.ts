import { Counter, Gauge, type Registry } from 'prom-client';
import { FAILURE_REASONS, type SlotStatistics } from '@flotilla/contracts';
import type { MetricsConfig } from './metrics-config';
import type { MetricsInput } from './metrics-input';

type VersionLabels = { model: string; version: string };

/**
 * Triton's per-model families (core's metrics.cc names, types and help texts; labels `model` and
 * `version`, and `reason` on failures), so that dashboards built for Triton read Flotilla as is.
 * Values are the deployment's statistics (every executor, live or gone), set on each scrape, for
 * the model versions READY now (a version unloaded leaves the page, as in Triton).
 */
export class TritonFamilies {
  private readonly success: Counter<'model' | 'version'>;
  private readonly failure: Counter<'model' | 'version' | 'reason'>;
  private readonly inferences: Counter<'model' | 'version'>;
  private readonly executions: Counter<'model' | 'version'>;
  private readonly pending: Gauge<'model' | 'version'>;
  /** The five cumulative latency counters; absent with `counter_latencies=false`. */
  private readonly latencies?: readonly { readonly counter: Counter<'model' | 'version'>; readonly pick: (s: SlotStatistics) => number }[];

  constructor(registry: Registry, config: MetricsConfig) {
    const labelNames = ['model', 'version'] as const;
    const counter = (name: string, help: string) => new Counter({ name, help, labelNames, registers: [registry] });
    this.success = counter('nv_inference_request_success', 'Number of successful inference requests, all batch sizes');
    this.failure = new Counter({ name: 'nv_inference_request_failure', help: 'Number of failed inference requests, all batch sizes', labelNames: [...labelNames, 'reason'], registers: [registry] });
    this.inferences = counter('nv_inference_count', 'Number of inferences performed (does not include cached requests)');
    this.executions = counter('nv_inference_exec_count', 'Number of model executions performed (does not include cached requests)');
    this.pending = new Gauge({ name: 'nv_inference_pending_request_count', help: 'Instantaneous number of pending requests awaiting execution per-model.', labelNames, registers: [registry] });
    if (config.counterLatencies) {
      const us = (ns: number) => Math.round(ns / 1000);
      this.latencies = [
        { counter: counter('nv_inference_request_duration_us', 'Cumulative inference request duration in microseconds (includes cached requests)'), pick: (s) => us(s.success.ns) },
        { counter: counter('nv_inference_queue_duration_us', 'Cumulative inference queuing duration in microseconds (includes cached requests)'), pick: (s) => us(s.queue.ns) },
        { counter: counter('nv_inference_compute_input_duration_us', 'Cumulative compute input duration in microseconds (does not include cached requests)'), pick: (s) => us(s.computeInput.ns) },
        { counter: counter('nv_inference_compute_infer_duration_us', 'Cumulative compute inference duration in microseconds (does not include cached requests)'), pick: (s) => us(s.computeInfer.ns) },
        { counter: counter('nv_inference_compute_output_duration_us', 'Cumulative inference compute output duration in microseconds (does not include cached requests)'), pick: (s) => us(s.computeOutput.ns) },
      ];
    }
  }

  /** Sets every family from one scrape's reading (the registry was reset before). */
  set({ versions, statistics, scheduler }: MetricsInput): void {
    const key = (name: string, version: number) => `${name}\u0000${version}`;
    const queued = new Map(scheduler.models.map((entry) => [key(entry.name, entry.version), entry.queued]));
    const counted = new Map(statistics.models.map((entry) => [key(entry.name, entry.version), entry.stats]));
    for (const { name, version } of versions) {
      const labels: VersionLabels = { model: name, version: String(version) };
      const s = counted.get(key(name, version)) ?? ZERO;
      this.success.inc(labels, s.success.count);
      for (const reason of FAILURE_REASONS) this.failure.inc({ ...labels, reason }, s.failures[reason]);
      this.inferences.inc(labels, s.inferenceCount);
      this.executions.inc(labels, s.executionCount);
      // Waiting in the scheduler's queue, for a slot or for the rate limiter's grant.
      this.pending.set(labels, queued.get(key(name, version)) ?? 0);
      for (const { counter, pick } of this.latencies ?? []) counter.inc(labels, pick(s));
    }
  }
}

const NONE = { count: 0, ns: 0 };
const ZERO: SlotStatistics = {
  success: NONE,
  fail: NONE,
  queue: NONE,
  computeInput: NONE,
  computeInfer: NONE,
  computeOutput: NONE,
  inferenceCount: 0,
  executionCount: 0,
  lastInference: 0,
  batches: {},
  failures: { REJECTED: 0, CANCELED: 0, BACKEND: 0, OTHER: 0 },
};
