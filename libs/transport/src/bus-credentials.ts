import { errors, nkeyAuthenticator, type ConnectionOptions, type NatsConnection, type Status } from '@nats-io/transport-node';

/**
 * How a process proves who it is to nats-server and checks that the server is the deployment's.
 * Plain data (PEM text, not file names), so an executor hands it to its slot threads as it is.
 */
export interface BusCredentials {
  /** An nkey seed (`SU…`): it signs the server's challenge; the server holds only the public key. */
  readonly nkeySeed?: string;
  readonly user?: string;
  readonly password?: string;
  /** TLS, required as soon as this is given: `ca` verifies the server; `cert` + `key` present a client certificate. */
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
}

/** The NATS client's options for these credentials. */
export function natsCredentialOptions(credentials: BusCredentials | undefined): Partial<ConnectionOptions> {
  if (!credentials) return {};
  const options: Partial<ConnectionOptions> = {};
  if (credentials.nkeySeed) options.authenticator = nkeyAuthenticator(new TextEncoder().encode(credentials.nkeySeed));
  if (credentials.user !== undefined) options.user = credentials.user;
  if (credentials.password !== undefined) options.pass = credentials.password;
  if (credentials.tls) options.tls = { ...credentials.tls };
  return options;
}

/** The bus would not take this process: its credentials or TLS do not match the server's. Retrying cannot help. */
export class BusAccessError extends Error {
  override readonly name = 'BusAccessError';
}

/** Node's codes for a server certificate that does not verify against the CA given. */
const CERTIFICATE_CODES = /^(UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|CERT_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/**
 * The error to stop on when a connect attempt failed because the server refused this process (or
 * this process refused the server), not because it could not be reached; undefined for anything
 * worth trying again.
 */
export function accessRefusal(error: unknown, options: { servers: string | string[]; name: string; credentials?: BusCredentials }): BusAccessError | undefined {
  const at = Array.isArray(options.servers) ? options.servers.join(', ') : options.servers;
  if (error instanceof errors.AuthorizationError) {
    return new BusAccessError(
      `nats-server at ${at} refused ${options.name}'s credentials (${describeCredentials(options.credentials)}): ${error.message}. Check --nats-nkey-seed-file or --nats-user/--nats-password; credentials of another deployment do not work on this one`,
      { cause: error },
    );
  }
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CERTIFICATE_CODES.test(code)) {
    return new BusAccessError(`nats-server at ${at} presented a certificate ${options.name} does not trust (${error.message}): give the deployment's CA with --nats-tls-ca`, { cause: error });
  }
  if (/does not support 'tls'/.test(error.message)) {
    return new BusAccessError(`nats-server at ${at} does not speak TLS, and ${options.name} requires it (--nats-tls-ca): the server is not this deployment's`, { cause: error });
  }
  if (/requires tls|tls required/i.test(error.message)) {
    return new BusAccessError(`nats-server at ${at} requires TLS: give the deployment's CA with --nats-tls-ca (${error.message})`, { cause: error });
  }
  return undefined;
}

/** A refusal the server sent on a connection that was up: logged by the service, naming subject and operation. */
export function describeBusStatus(status: Status): { kind: 'permission'; text: string } | { kind: 'authorization'; text: string } | undefined {
  if (status.type !== 'error') return undefined;
  const error = status.error;
  if (error instanceof errors.PermissionViolationError) {
    return { kind: 'permission', text: `nats-server refused to let this service ${error.operation === 'publish' ? 'publish to' : 'subscribe to'} '${error.subject}' (permissions violation): its bus identity does not allow it` };
  }
  if (error instanceof errors.AuthorizationError) {
    return { kind: 'authorization', text: `nats-server refused this service's credentials on reconnecting (${error.message}): the server belongs to another deployment now, or the credentials changed` };
  }
  return undefined;
}

/** Resolves with the error that closed the connection for good when it is the server refusing the credentials. */
export async function closedByRefusal(connection: NatsConnection): Promise<Error | undefined> {
  const closed = await connection.closed();
  return closed instanceof errors.AuthorizationError ? closed : undefined;
}

function describeCredentials(credentials: BusCredentials | undefined): string {
  if (!credentials) return 'none given';
  if (credentials.nkeySeed) return 'an nkey';
  if (credentials.user !== undefined) return `user '${credentials.user}'`;
  return 'TLS only';
}
