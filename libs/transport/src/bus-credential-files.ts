import { readFileSync } from 'node:fs';
import type { BusCredentials } from './bus-credentials';

/** Where a process' bus credentials are, as its flags give them (`--nats-nkey-seed-file` and the rest). */
export interface BusCredentialSources {
  readonly nkeySeedFile?: string;
  readonly user?: string;
  readonly password?: string;
  readonly passwordFile?: string;
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** Credentials that cannot be used as given; the message names the flag. */
export class BusCredentialsError extends Error {}

/**
 * Reads the credentials' files once, so a missing or unreadable one stops a process before it
 * starts, and refuses a combination that cannot mean anything (an nkey and a user, a password
 * without a user, a certificate without its key) rather than use half of it. Undefined: none given.
 */
export function readBusCredentials(sources: BusCredentialSources): BusCredentials | undefined {
  const { nkeySeedFile, user, password, passwordFile, tlsCa, tlsCert, tlsKey } = sources;
  if (nkeySeedFile && (user || password || passwordFile)) throw new BusCredentialsError('--nats-nkey-seed-file and --nats-user/--nats-password are two ways to say who this process is: give one');
  if (password && passwordFile) throw new BusCredentialsError('--nats-password and --nats-password-file both given: give one');
  if ((password || passwordFile) && !user) throw new BusCredentialsError('--nats-password needs --nats-user');
  if (user && !password && !passwordFile) throw new BusCredentialsError(`--nats-user '${user}' needs --nats-password or --nats-password-file`);
  if (Boolean(tlsCert) !== Boolean(tlsKey)) throw new BusCredentialsError('--nats-tls-cert and --nats-tls-key go together: give both or neither');

  const credentials: { -readonly [K in keyof BusCredentials]: BusCredentials[K] } = {};
  if (nkeySeedFile) {
    const seed = readFlagFile('nats-nkey-seed-file', nkeySeedFile).trim();
    if (!/^SU[A-Z2-7]{56}$/.test(seed)) throw new BusCredentialsError(`--nats-nkey-seed-file: '${nkeySeedFile}' does not hold an nkey user seed (one line of 58 characters, starting SU)`);
    credentials.nkeySeed = seed;
  }
  if (user) {
    credentials.user = user;
    credentials.password = password ?? readFlagFile('nats-password-file', passwordFile!).replace(/\r?\n$/, '');
  }
  if (tlsCa || tlsCert) {
    credentials.tls = {
      ...(tlsCa ? { ca: readFlagFile('nats-tls-ca', tlsCa) } : {}),
      ...(tlsCert ? { cert: readFlagFile('nats-tls-cert', tlsCert), key: readFlagFile('nats-tls-key', tlsKey!) } : {}),
    };
  }
  return Object.keys(credentials).length > 0 ? credentials : undefined;
}

function readFlagFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new BusCredentialsError(`--${flag}: cannot read '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
