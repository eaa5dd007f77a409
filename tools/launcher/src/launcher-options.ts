import { resolve } from 'node:path';
import { flagBool, flagInt, flagString, parseFlags, type FlagSpec } from '@flotilla/service-kit';

export interface LauncherOptions {
  readonly modelRepository: string;
  readonly httpPort: number;
  readonly natsPort: number;
  readonly rateLimit: string;
  readonly inferTimeoutMs: number;
  readonly strictReadiness: boolean;
  readonly quiet: boolean;
}

/** tritonserver's flag names where Flotilla has the same knob; `npm start -- --help` lists them. */
export const LAUNCHER_FLAGS: readonly FlagSpec[] = [
  { name: 'model-repository', description: 'path of the Triton model repository to serve', default: 'examples/model_repository' },
  { name: 'http-port', description: 'port of the KServe v2 HTTP API', default: '8000' },
  { name: 'nats-port', description: 'port of the private nats-server', default: '4222' },
  { name: 'rate-limit', description: 'off | execution_count', default: 'off' },
  { name: 'infer-timeout-ms', description: 'deadline of one inference, end to end', default: '60000' },
  { name: 'strict-readiness', description: 'ready only when every model is ready', default: 'true' },
  { name: 'quiet', description: "hide the services' own log lines", default: 'false' },
  { name: 'help', description: 'print this help', default: 'false' },
];

export function launcherOptions(argv: readonly string[]): LauncherOptions | 'help' {
  const flags = parseFlags(argv, LAUNCHER_FLAGS, {});
  if (flagBool(flags, 'help')) return 'help';
  return {
    modelRepository: resolve(flagString(flags, 'model-repository')),
    httpPort: flagInt(flags, 'http-port', 1, 65535),
    natsPort: flagInt(flags, 'nats-port', 1, 65535),
    rateLimit: flagString(flags, 'rate-limit'),
    inferTimeoutMs: flagInt(flags, 'infer-timeout-ms', 1),
    strictReadiness: flagBool(flags, 'strict-readiness'),
    quiet: flagBool(flags, 'quiet'),
  };
}
