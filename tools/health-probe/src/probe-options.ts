export interface ProbeOptions {
  readonly service: string;
  readonly ready: boolean;
  readonly natsUrl: string;
  readonly timeoutMs: number;
}

const SERVICES = ['gateway', 'model-repository', 'scheduler', 'rate-limiter', 'executor'];
export const PROBE_USAGE =
  'usage: health-probe --service gateway|model-repository|scheduler|rate-limiter|executor [--ready] [--nats-url URL (FLOTILLA_NATS_URL, default nats://127.0.0.1:4222)] [--timeout-ms N (2000)]';

/** The probe's flags (`--name value` or `--name=value`), or the message saying what is wrong. */
export function probeOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ProbeOptions | string {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].replace(/^--/, '').split(/=(.*)/s, 2);
    if (!argv[i].startsWith('--') || !['service', 'ready', 'nats-url', 'timeout-ms'].includes(name)) return `unknown argument '${argv[i]}'; ${PROBE_USAGE}`;
    if (name === 'ready') values.set(name, inline ?? 'true');
    else values.set(name, inline ?? argv[++i] ?? '');
  }
  const service = values.get('service') ?? '';
  if (!SERVICES.includes(service)) return `--service must name a Flotilla service, got '${service}'; ${PROBE_USAGE}`;
  const timeoutMs = Number(values.get('timeout-ms') ?? '2000');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) return `--timeout-ms must be a positive integer, got '${values.get('timeout-ms')}'`;
  const ready = values.get('ready') ?? 'false';
  if (ready !== 'true' && ready !== 'false') return `--ready takes true or false, got '${ready}'`;
  return { service, ready: ready === 'true', natsUrl: values.get('nats-url') ?? env.FLOTILLA_NATS_URL ?? 'nats://127.0.0.1:4222', timeoutMs };
}
