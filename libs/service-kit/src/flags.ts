/**
 * tritonserver-style command-line flags: `--name=value` or `--name value`, repeatable flags
 * collected in order, and an environment twin for each (`--http-port` ↔ `FLOTILLA_HTTP_PORT`).
 * Flags win over the environment. Unknown flags are an error that lists the known ones.
 */
export interface FlagSpec {
  readonly name: string;
  readonly description: string;
  readonly default?: string;
  readonly repeatable?: boolean;
}

export class FlagError extends Error {}

export type FlagValues = Map<string, string[]>;

/**
 * `ignoreUnknown`: read only the flags in `specs` and step over any other (with its value), for a
 * caller that needs a few flags of a command line another parser has already checked.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], env: NodeJS.ProcessEnv = process.env, options: { ignoreUnknown?: boolean } = {}): FlagValues {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const values: FlagValues = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument '${arg}'; flags look like --name=value`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec && !options.ignoreUnknown) throw new FlagError(`unknown flag '--${name}'. Known flags: ${specs.map((s) => `--${s.name}`).join(', ')}`);
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    else value = 'true';
    if (!spec) continue;
    const list = values.get(name) ?? [];
    if (!spec.repeatable) list.length = 0;
    list.push(value);
    values.set(name, list);
  }
  for (const spec of specs) {
    if (values.has(spec.name)) continue;
    const fromEnv = env[envName(spec.name)];
    if (fromEnv !== undefined && fromEnv !== '') values.set(spec.name, spec.repeatable ? fromEnv.split(',') : [fromEnv]);
    else if (spec.default !== undefined) values.set(spec.name, [spec.default]);
  }
  return values;
}

export function envName(flag: string): string {
  return `FLOTILLA_${flag.toUpperCase().replace(/-/g, '_')}`;
}

export function flagString(values: FlagValues, name: string): string {
  const value = values.get(name)?.at(-1);
  if (value === undefined) throw new FlagError(`--${name} is required`);
  return value;
}

export function flagInt(values: FlagValues, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const text = flagString(values, name);
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new FlagError(`--${name} must be an integer in [${min}, ${max}], got '${text}'`);
  return value;
}

export function flagBool(values: FlagValues, name: string): boolean {
  const text = (values.get(name)?.at(-1) ?? 'false').toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  throw new FlagError(`--${name} must be true or false, got '${text}'`);
}

export function usage(service: string, specs: readonly FlagSpec[]): string {
  const lines = specs.map((s) => `  --${s.name.padEnd(26)} ${s.description}${s.default !== undefined ? ` (default ${s.default || "''"})` : ''}`);
  return `usage: ${service} [flags]\n${lines.join('\n')}`;
}

/** How a service proves who it is on the bus and checks the server (docs/deployment.md, "Credentials and TLS"). */
export const BUS_CREDENTIAL_FLAGS: readonly FlagSpec[] = [
  { name: 'nats-nkey-seed-file', description: "file holding this service's nkey seed (SU…): its identity on the bus, whose permissions nats-server enforces" },
  { name: 'nats-user', description: 'user name on the bus (with --nats-password or --nats-password-file), instead of an nkey' },
  { name: 'nats-password', description: "password of --nats-user (prefer FLOTILLA_NATS_PASSWORD or --nats-password-file: a flag shows in 'ps')" },
  { name: 'nats-password-file', description: 'file holding the password of --nats-user' },
  { name: 'nats-tls-ca', description: "CA certificate (PEM file) that signed nats-server's certificate: the service connects only with TLS, to a server it verifies" },
  { name: 'nats-tls-cert', description: 'client certificate (PEM file), for a nats-server that verifies clients (with --nats-tls-key)' },
  { name: 'nats-tls-key', description: 'private key (PEM file) of --nats-tls-cert' },
];

/** Flags every service takes. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  {
    name: 'nats-url',
    description: "NATS server URL, or a cluster's nodes comma-separated: the first (this host's node) is tried first, the others are where the service fails over to",
    default: 'nats://127.0.0.1:4222',
  },
  ...BUS_CREDENTIAL_FLAGS,
  {
    name: 'exit-timeout-secs',
    description: "seconds the service may take to stop after SIGTERM/SIGINT (finishing what it holds) before it exits anyway, whatever the state of NATS (Triton's flag); a second signal stops it at once",
    default: '30',
  },
];
