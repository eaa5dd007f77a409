import { availableParallelism, hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DeviceName } from '@flotilla/contracts';
import { DEFAULT_MODEL_STORE_BUCKET, parseModelSource, type ModelSourceMode } from '@flotilla/model-store';
import { busOptionsFromFlags, COMMON_FLAGS, FlagError, flagBool, flagInt, flagString, parseFlags, type FlagSpec } from '@flotilla/service-kit';
import type { BusOptions } from '@flotilla/transport';

export const EXECUTOR_OPTIONS = Symbol('ExecutorOptions');

export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt';

export interface ExecutorOptions {
  /** The NATS server(s) and the executor's credentials there (its slot threads connect with them too). */
  readonly bus: BusOptions;
  readonly executorId: string;
  readonly device: DeviceName;
  /** GPU index for `gpu:N`, 0 for the CPU (Triton gives CPU instances device id 0 too). */
  readonly deviceId: number;
  readonly backend: 'onnxruntime';
  readonly executionProvider: ExecutionProvider;
  /** A `gpu:N` executor running on the CPU provider, standing in for a GPU on hosts without one. */
  readonly simulated: boolean;
  readonly heartbeatMs: number;
  /** Most finished payloads a busy slot reports to the scheduler in one release. */
  readonly releaseBatch: number;
  /** Cores this executor may use; slot thread counts are divided out of it. */
  readonly cores: number;
  /** The host named in its announcements (and so on each slot in `GET /v2/flotilla/slots`). */
  readonly hostName: string;
  /** Where model files are read: the repository's folder, the model store, or whichever has them (libs/model-store). */
  readonly modelSource: ModelSourceMode;
  /** With `bus` or `auto`: this host's cache of fetched files, shared by its executors. */
  readonly modelCacheDir: string;
  readonly modelStoreBucket: string;
}

/** Executors on one host share it: a file fetched by one is there for the others. */
export const DEFAULT_MODEL_CACHE_DIR = join(tmpdir(), 'flotilla-model-cache');

const FLAGS: readonly FlagSpec[] = [
  ...COMMON_FLAGS,
  { name: 'device', description: 'cpu, or gpu:N', default: 'cpu' },
  { name: 'backend', description: 'execution backend', default: 'onnxruntime' },
  { name: 'execution-provider', description: 'cpu | cuda | tensorrt (default: cpu on cpu, cuda on gpu:N)' },
  { name: 'simulate-gpu', description: 'act as gpu:N while running on the CPU provider', default: 'false' },
  { name: 'heartbeat-ms', description: 'how often this executor sends its liveness beat (its slots are announced on every change); three missed beats and the fleet counts it gone', default: '1000' },
  { name: 'release-batch', description: "most finished payloads a busy slot reports in one release; keep it <= the scheduler's --instance-prefetch", default: '2' },
  { name: 'cores', description: 'cores available to this executor', default: String(availableParallelism()) },
  { name: 'executor-id', description: 'id on the bus (default: derived from the device, unique per process)' },
  // Its own flag, not only os.hostname(): containers and network namespaces often share or
  // invent host names, and the name is what an operator reads to find a slot's machine.
  { name: 'host-name', description: "the host this executor runs on, as shown per slot in GET /v2/flotilla/slots (default: the machine's host name)" },
  {
    name: 'model-source',
    description: "where model files are read: files (the model repository's folder, at the paths it names) | bus (fetched from the model store into --model-cache-dir, by digest) | auto (files when every file is there with its digest, else bus)",
    default: 'auto',
  },
  { name: 'model-cache-dir', description: `with --model-source bus or auto: where fetched model files are kept, by digest (default ${DEFAULT_MODEL_CACHE_DIR})` },
  { name: 'model-store-bucket', description: `with --model-source bus or auto: the model store's bucket, as the model repository's --model-store-bucket (default ${DEFAULT_MODEL_STORE_BUCKET})` },
];

export function executorOptions(argv: readonly string[]): ExecutorOptions {
  const flags = parseFlags(argv, FLAGS);
  const deviceText = flagString(flags, 'device');
  const gpu = /^gpu:(\d+)$/.exec(deviceText);
  if (deviceText !== 'cpu' && !gpu) throw new FlagError(`--device must be 'cpu' or 'gpu:N', got '${deviceText}'`);
  const device = deviceText as DeviceName;
  const simulated = flagBool(flags, 'simulate-gpu');
  if (simulated && !gpu) throw new FlagError('--simulate-gpu only makes sense with --device gpu:N');

  const backend = flagString(flags, 'backend');
  if (backend !== 'onnxruntime') throw new FlagError(`--backend '${backend}' is not supported; use onnxruntime`);
  const provider = flags.get('execution-provider')?.at(-1) ?? (gpu && !simulated ? 'cuda' : 'cpu');
  if (provider !== 'cpu' && provider !== 'cuda' && provider !== 'tensorrt') throw new FlagError(`--execution-provider must be cpu, cuda or tensorrt, got '${provider}'`);
  if (!gpu && provider !== 'cpu') throw new FlagError(`--execution-provider ${provider} needs --device gpu:N`);
  if (simulated && provider !== 'cpu') throw new FlagError('--simulate-gpu runs on the cpu execution provider');

  let modelSource: ModelSourceMode;
  try {
    modelSource = parseModelSource(flagString(flags, 'model-source'));
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  const storeFlags = ['model-cache-dir', 'model-store-bucket'].filter((name) => flags.has(name));
  if (modelSource === 'files' && storeFlags.length > 0) throw new FlagError(`--${storeFlags[0]} is not used with --model-source=files`);

  return {
    bus: busOptionsFromFlags(flags, 'executor'),
    executorId: executorIdOf(flags.get('executor-id')?.at(-1), deviceText),
    device,
    deviceId: gpu ? Number(gpu[1]) : 0,
    backend,
    executionProvider: provider,
    simulated,
    heartbeatMs: flagInt(flags, 'heartbeat-ms', 50, 60_000),
    releaseBatch: flagInt(flags, 'release-batch', 1, 64),
    cores: flagInt(flags, 'cores', 1, 1024),
    hostName: hostNameOf(flags.get('host-name')?.at(-1) ?? hostname()),
    modelSource,
    modelCacheDir: resolve(flags.get('model-cache-dir')?.at(-1) ?? DEFAULT_MODEL_CACHE_DIR),
    modelStoreBucket: flags.get('model-store-bucket')?.at(-1) ?? DEFAULT_MODEL_STORE_BUCKET,
  };
}

function hostNameOf(text: string): string {
  const name = text.trim();
  if (name === '') throw new FlagError('--host-name must not be empty');
  return name;
}

/**
 * The id is one token of its slots' subjects (`flotilla.executor.<id>.slot.<lane>`), which the
 * bus' permissions match token by token: a dot or a wildcard in it would make subjects no
 * scheduler may publish to.
 */
function executorIdOf(given: string | undefined, device: string): string {
  if (given === undefined) return `${device.replace(':', '')}-${randomBytes(3).toString('hex')}`;
  if (!/^[A-Za-z0-9_-]+$/.test(given)) throw new FlagError(`--executor-id '${given}' must be letters, digits, '-' and '_' only: it is one token of the executor's NATS subjects`);
  return given;
}
