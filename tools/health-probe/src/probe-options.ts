import type { BusCredentialSources } from '@flotilla/transport';

export interface ProbeOptions {
  readonly service: string;
  readonly ready: boolean;
  readonly natsUrl: string;
  readonly timeoutMs: number;
  /** The probe's own bus credentials (the deployment's `probe` identity, or any that may ask health), as the services take theirs. */
  readonly credentials: BusCredentialSources;
}

/** The services' credential flags, each with its FLOTILLA_* twin; read by readBusCredentials. */
const CREDENTIAL_FLAGS = {
  'nats-nkey-seed-file': 'nkeySeedFile',
  'nats-user': 'user',
  'nats-password': 'password',
  'nats-password-file': 'passwordFile',
  'nats-tls-ca': 'tlsCa',
  'nats-tls-cert': 'tlsCert',
  'nats-tls-key': 'tlsKey',
} as const satisfies Record<string, keyof BusCredentialSources>;

const SERVICES = ['gateway', 'model-repository', 'scheduler', 'rate-limiter', 'executor'];
export const PROBE_USAGE =
  'usage: health-probe --service gateway|model-repository|scheduler|rate-limiter|executor [--ready] [--nats-url URL (FLOTILLA_NATS_URL, default nats://127.0.0.1:4222)] [--timeout-ms N (2000)] [--nats-nkey-seed-file F | --nats-user U --nats-password-file F] [--nats-tls-ca F] (each also FLOTILLA_<FLAG>)';

/** The probe's flags (`--name value` or `--name=value`), or the message saying what is wrong. */
export function probeOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ProbeOptions | string {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].replace(/^--/, '').split(/=(.*)/s, 2);
    if (!argv[i].startsWith('--') || !['service', 'ready', 'nats-url', 'timeout-ms', ...Object.keys(CREDENTIAL_FLAGS)].includes(name)) return `unknown argument '${argv[i]}'; ${PROBE_USAGE}`;
    if (name === 'ready') values.set(name, inline ?? 'true');
    else values.set(name, inline ?? argv[++i] ?? '');
  }
  const service = values.get('service') ?? '';
  if (!SERVICES.includes(service)) return `--service must name a Flotilla service, got '${service}'; ${PROBE_USAGE}`;
  const timeoutMs = Number(values.get('timeout-ms') ?? '2000');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) return `--timeout-ms must be a positive integer, got '${values.get('timeout-ms')}'`;
  const ready = values.get('ready') ?? 'false';
  if (ready !== 'true' && ready !== 'false') return `--ready takes true or false, got '${ready}'`;
  const credentials: Record<string, string> = {};
  for (const [flag, field] of Object.entries(CREDENTIAL_FLAGS)) {
    const value = values.get(flag) ?? env[`FLOTILLA_${flag.toUpperCase().replace(/-/g, '_')}`];
    if (value) credentials[field] = value;
  }
  return { service, ready: ready === 'true', natsUrl: values.get('nats-url') ?? env.FLOTILLA_NATS_URL ?? 'nats://127.0.0.1:4222', timeoutMs, credentials };
}
