import { resolve } from 'node:path';
import { FlagError, flagBool, flagInt, flagString, parseFlags, type FlagSpec, type FlagValues } from '@flotilla/service-kit';
import type { ExecutorSpec } from '@flotilla/local-cluster';
import { parseModelControlMode, startupModels } from '@flotilla/repository';
import { tracesExported } from '@flotilla/telemetry';
import { DEFAULT_MAX_BODY_BYTES, parseTraceConfigFlags } from '@flotilla/kserve';

export interface LauncherOptions {
  readonly modelRepository: string;
  readonly httpPort: number;
  /** undefined with --allow-grpc false. */
  readonly grpcPort?: number;
  /** Prometheus /metrics; undefined with --allow-metrics false. */
  readonly metricsPort?: number;
  readonly natsPort: number;
  /** Fresh credentials and TLS for the bus on every start (ClusterOptions.busSecurity). */
  readonly busSecurity: boolean;
  readonly rateLimit: string;
  /** Triton's `--rate-limit-resource=<name>:<count>[:<device>]`, as given. */
  readonly rateLimitResources: string[];
  readonly inferTimeoutMs: number;
  readonly strictReadiness: boolean;
  /** Triton's --exit-on-error: a model that fails to load at start stops everything, naming it and why. */
  readonly exitOnError: boolean;
  /** Model-repository flags passed through: --model-control-mode, --load-model, --repository-poll-secs. */
  readonly repositoryFlags: string[];
  readonly quiet: boolean;
  /** Restart services that die (RestartPolicy). */
  readonly supervise: boolean;
  readonly executors: ExecutorSpec[];
  /** How many scheduler processes (each model is served by one: its owner). */
  readonly schedulers: number;
  /** Gateway flags the launcher passes through as given (--http-max-body-bytes, --trace-config, --metrics-address, --metrics-config). */
  readonly gatewayFlags: string[];
}

/** tritonserver's flag names where Flotilla has the same knob; `npm start -- --help` lists them. */
export const LAUNCHER_FLAGS: readonly FlagSpec[] = [
  { name: 'model-repository', description: 'path of the Triton model repository to serve', default: 'examples/model_repository' },
  { name: 'http-port', description: 'port of the KServe v2 HTTP API', default: '8000' },
  { name: 'grpc-port', description: 'port of the KServe v2 gRPC API', default: '8001' },
  { name: 'allow-grpc', description: 'serve KServe v2 over gRPC', default: 'true' },
  { name: 'allow-metrics', description: 'serve Prometheus metrics (Triton\'s nv_inference_* and flotilla_*) on /metrics', default: 'true' },
  { name: 'metrics-port', description: 'port of /metrics', default: '8002' },
  { name: 'metrics-address', description: 'address /metrics binds to', default: '0.0.0.0' },
  { name: 'metrics-config', description: '<setting>=<value>, repeatable: counter_latencies=true|false (summaries and histograms are refused)', repeatable: true },
  { name: 'nats-port', description: 'port of the private nats-server', default: '4222' },
  {
    name: 'bus-security',
    description: "TLS and one identity per service on the bus, with fresh keys and certificates on every start (a process of another deployment cannot join); false: an open bus, for debugging with a plain 'nats' client",
    default: 'true',
  },
  { name: 'rate-limit', description: 'off | execution_count', default: 'off' },
  { name: 'rate-limit-resource', description: '<name>:<count>[:<device>], repeatable: how many of a resource a device (or every device) offers', repeatable: true },
  { name: 'infer-timeout-ms', description: 'deadline of one inference, end to end', default: '60000' },
  { name: 'http-max-body-bytes', description: 'largest HTTP request body, as sent and once inflated (413 past it)', default: String(DEFAULT_MAX_BODY_BYTES) },
  { name: 'strict-readiness', description: 'ready only when every model is ready', default: 'true' },
  { name: 'exit-on-error', description: 'stop at once, naming each model that failed to load and why; false: serve the others and list the failed ones', default: 'true' },
  { name: 'model-control-mode', description: 'none (load every model at start) | poll (and re-read the repository) | explicit (load --load-model models, then what the load/unload API asks)', default: 'none' },
  { name: 'load-model', description: "with --model-control-mode explicit: a model to load at start, repeatable; '*' loads every model", repeatable: true },
  { name: 'disable-auto-complete-config', description: "require every model's config.pbtxt in full (no completing ONNX models from the model file)", default: 'false' },
  { name: 'repository-poll-secs', description: 'with --model-control-mode poll: seconds between two reads of the repository (default 15)' },
  { name: 'trace-config', description: "Triton's trace settings, repeatable: rate=N, level=OFF|TIMESTAMPS, count=N (needs OTEL_EXPORTER_OTLP_ENDPOINT; docs/observability.md)", repeatable: true },
  { name: 'schedulers', description: 'how many scheduler processes to run; each model is served by one of them, and a model whose scheduler dies moves to another (docs/deployment.md)', default: '1' },
  { name: 'simulate-gpus', description: 'start N stand-in GPU executors (gpu:0..N-1) on the CPU provider', default: '0' },
  { name: 'gpus', description: 'start a CUDA executor for each listed GPU id, e.g. 0,1', default: '' },
  { name: 'quiet', description: "hide the services' own log lines", default: 'false' },
  { name: 'supervise', description: 'restart a service that dies (with backoff; one that keeps dying stops the launcher); false for tests that kill on purpose', default: 'true' },
  { name: 'help', description: 'print this help', default: 'false' },
];

export function launcherOptions(argv: readonly string[]): LauncherOptions | 'help' {
  const flags = parseFlags(argv, LAUNCHER_FLAGS, {});
  if (flagBool(flags, 'help')) return 'help';
  return {
    modelRepository: resolve(flagString(flags, 'model-repository')),
    httpPort: flagInt(flags, 'http-port', 1, 65535),
    ...(flagBool(flags, 'allow-grpc') ? { grpcPort: flagInt(flags, 'grpc-port', 1, 65535) } : {}),
    ...(flagBool(flags, 'allow-metrics') ? { metricsPort: flagInt(flags, 'metrics-port', 1, 65535) } : {}),
    natsPort: flagInt(flags, 'nats-port', 1, 65535),
    busSecurity: flagBool(flags, 'bus-security'),
    rateLimit: flagString(flags, 'rate-limit'),
    rateLimitResources: flags.get('rate-limit-resource') ?? [],
    inferTimeoutMs: flagInt(flags, 'infer-timeout-ms', 1),
    strictReadiness: flagBool(flags, 'strict-readiness'),
    exitOnError: flagBool(flags, 'exit-on-error'),
    repositoryFlags: repositoryFlags(flags),
    quiet: flagBool(flags, 'quiet'),
    supervise: flagBool(flags, 'supervise'),
    executors: executors(flagInt(flags, 'simulate-gpus', 0, 64), flagString(flags, 'gpus')),
    schedulers: flagInt(flags, 'schedulers', 1, 16),
    gatewayFlags: [
      '--http-max-body-bytes',
      String(flagInt(flags, 'http-max-body-bytes', 1)),
      ...traceConfigFlags(flags.get('trace-config') ?? []),
      // The cluster binds /metrics to the HTTP address; a --metrics-address given here wins.
      ...(flagBool(flags, 'allow-metrics') ? ['--metrics-address', flagString(flags, 'metrics-address')] : []),
      ...(flags.get('metrics-config') ?? []).flatMap((setting) => ['--metrics-config', setting]),
    ],
  };
}

/** Checked here too, so a setting the gateway would refuse stops the launcher before anything starts. */
function traceConfigFlags(values: readonly string[]): string[] {
  let level: string;
  try {
    ({ level } = parseTraceConfigFlags(values));
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  if (level !== 'OFF' && !tracesExported()) throw new FlagError(`--trace-config level=${level} needs an OTLP endpoint: set OTEL_EXPORTER_OTLP_ENDPOINT (docs/observability.md)`);
  return values.flatMap((value) => ['--trace-config', value]);
}

/** Always the cpu executor; then stand-in GPUs, or one CUDA executor per listed GPU. */
function executors(simulated: number, gpuList: string): ExecutorSpec[] {
  const gpus = gpuList.trim() === '' ? [] : gpuList.split(',').map((id) => Number(id.trim()));
  if (gpus.some((id) => !Number.isInteger(id) || id < 0)) throw new FlagError(`--gpus must list GPU ids like 0,1, got '${gpuList}'`);
  if (simulated > 0 && gpus.length > 0) throw new FlagError('use either --simulate-gpus or --gpus, not both');
  return [
    { device: 'cpu' },
    ...Array.from({ length: simulated }, (_, id) => ({ device: `gpu:${id}`, simulate: true })),
    ...gpus.map((id) => ({ device: `gpu:${id}` })),
  ];
}

/**
 * The control-mode flags, checked here as the model repository checks them (a flag the mode would
 * not use is refused, naming it), so a mistake stops the launcher before anything starts. Only
 * flags given are passed on.
 */
function repositoryFlags(flags: FlagValues): string[] {
  try {
    const mode = parseModelControlMode(flagString(flags, 'model-control-mode'));
    startupModels(mode, flags.get('load-model') ?? [], []);
    if (mode !== 'poll' && flags.has('repository-poll-secs')) throw new FlagError(`--repository-poll-secs is only used with --model-control-mode=poll (the mode is '${mode}')`);
  } catch (error) {
    throw error instanceof FlagError ? error : new FlagError((error as Error).message);
  }
  const given = [
    ['--model-control-mode', flagString(flags, 'model-control-mode')],
    ...(flags.get('load-model') ?? []).map((model) => ['--load-model', model]),
    ...(flags.has('repository-poll-secs') ? [['--repository-poll-secs', flagString(flags, 'repository-poll-secs')]] : []),
    ['--disable-auto-complete-config', String(flagBool(flags, 'disable-auto-complete-config'))],
  ];
  return given.flat();
}
