// Command-line flags of the load generator, named after perf_analyzer's where they mean the same.
import type { LoadMode } from '../perf-run';
import type { WireProtocol } from '../request/infer-request-body';
import type { InputDataMode } from '../request/tensor-data';

export interface CliOptions {
  readonly url: string;
  readonly model: string;
  readonly modelVersion?: string;
  readonly protocol: WireProtocol;
  readonly mode: LoadMode;
  readonly levels: number[];
  readonly inputBytes?: number;
  readonly shapes: Record<string, number[]>;
  readonly inputData: InputDataMode;
  readonly windowMs: number;
  readonly stability: number;
  readonly maxWindows: number;
  readonly warmupMs: number;
  readonly json: boolean;
}

export const USAGE = `usage: node dist/tools/perf/src/main.js --model <name> [options]
  --url <endpoint>             KServe v2 endpoint: http://host:port (default http://127.0.0.1:8000),
                               with --protocol grpc host:port (default 127.0.0.1:8001)
  --model <name>               model to load (required); --model-version <v> to pin a version
  --concurrency <n[,n...]>     closed loop: n requests always in flight (default 1)
  --request-rate <r[,r...]>    open loop: r requests per second, whatever the latency
  --protocol json|binary|grpc  HTTP with JSON or binary tensors (default binary, as Triton's
                               clients), or gRPC with raw tensor contents
  --input-bytes <n>            size each input to n bytes via its last variable dim (identity models)
  --shape <input>:<d1,d2,...>  explicit shape for one input (repeatable)
  --input-data random|zero     request contents (default random, seeded)
  --window-ms <ms>             measurement window (default 2000)
  --stability <fraction>       two consecutive windows must agree within this (default 0.1)
  --max-windows <n>            give up on stability after n windows (default 10)
  --warmup-ms <ms>             unmeasured load before the first window (default 1000)
  --json                       print results as JSON on stdout instead of a table`;

export class CliError extends Error {}

const VALUED = new Set(['url', 'model', 'model-version', 'concurrency', 'request-rate', 'protocol', 'input-bytes', 'shape', 'input-data', 'window-ms', 'stability', 'max-windows', 'warmup-ms']);
const SWITCHES = new Set(['json', 'help']);

export function parseCliOptions(argv: readonly string[]): CliOptions | 'help' {
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new CliError(`unexpected argument '${arg}'`);
    const [name, inline] = splitOnce(arg.slice(2), '=');
    if (SWITCHES.has(name) && inline === undefined) {
      switches.add(name);
      continue;
    }
    if (!VALUED.has(name)) throw new CliError(`unknown option --${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new CliError(`--${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  if (switches.has('help')) return 'help';

  const one = (name: string) => values.get(name)?.at(-1);
  const model = one('model');
  if (!model) throw new CliError('--model is required');
  if (values.has('concurrency') && values.has('request-rate')) throw new CliError('give either --concurrency or --request-rate, not both');
  const mode: LoadMode = values.has('request-rate') ? 'request-rate' : 'concurrency';
  const levels = numberList(one(mode) ?? '1', `--${mode}`);

  const protocol = one('protocol') ?? 'binary';
  if (protocol !== 'json' && protocol !== 'binary' && protocol !== 'grpc') throw new CliError(`--protocol must be json, binary or grpc, got '${protocol}'`);
  const inputData = one('input-data') ?? 'random';
  if (inputData !== 'random' && inputData !== 'zero') throw new CliError(`--input-data must be random or zero, got '${inputData}'`);
  const inputBytes = one('input-bytes');
  const stability = positive(one('stability') ?? '0.1', '--stability');
  if (stability >= 1) throw new CliError(`--stability is a fraction below 1 (0.1 = 10 %), got ${stability}`);

  return {
    url: one('url') ?? (protocol === 'grpc' ? '127.0.0.1:8001' : 'http://127.0.0.1:8000'),
    model,
    ...(one('model-version') ? { modelVersion: one('model-version') } : {}),
    protocol,
    mode,
    levels,
    ...(inputBytes !== undefined ? { inputBytes: integer(inputBytes, '--input-bytes') } : {}),
    shapes: Object.fromEntries((values.get('shape') ?? []).map(parseShape)),
    inputData,
    windowMs: integer(one('window-ms') ?? '2000', '--window-ms'),
    stability,
    maxWindows: Math.max(2, integer(one('max-windows') ?? '10', '--max-windows')),
    warmupMs: integer(one('warmup-ms') ?? '1000', '--warmup-ms', 0),
    json: switches.has('json'),
  };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function numberList(text: string, flag: string): number[] {
  return text.split(',').map((part) => positive(part.trim(), flag));
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new CliError(`${flag} must be a positive number, got '${text}'`);
  return value;
}

function integer(text: string, flag: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new CliError(`${flag} must be an integer ≥ ${min}, got '${text}'`);
  return value;
}

/** `INPUT0:1,262144` → ['INPUT0', [1, 262144]] */
function parseShape(text: string): [string, number[]] {
  const at = text.lastIndexOf(':');
  if (at <= 0) throw new CliError(`--shape wants <input>:<d1,d2,...>, got '${text}'`);
  const dims = text.slice(at + 1).split(',').map((d) => Number(d));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new CliError(`--shape '${text}' has a dimension that is not a non-negative integer`);
  return [text.slice(0, at), dims];
}
