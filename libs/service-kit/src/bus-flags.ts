import { BusCredentialsError, readBusCredentials, type BusCredentials, type BusOptions } from '@flotilla/transport';
import { FlagError, flagString, type FlagValues } from './flags';

/**
 * The service's bus connection from its flags (COMMON_FLAGS): the server URL(s) and its
 * credentials, read once here, so that a missing file or a combination that means nothing stops
 * the service before it starts (exit 2, naming the flag).
 */
export function busOptionsFromFlags(flags: FlagValues, name: string): BusOptions {
  const servers = flagString(flags, 'nats-url').split(',').map((url) => url.trim()).filter(Boolean);
  const credentials = busCredentialsFromFlags(flags);
  // Answers come to `_INBOX.<service>`, where only the service's identity may subscribe.
  return { servers: servers.length === 1 ? servers[0] : servers, name, inboxPrefix: `_INBOX.${name}`, ...(credentials ? { credentials } : {}) };
}

export function busCredentialsFromFlags(flags: FlagValues): BusCredentials | undefined {
  const value = (flag: string) => flags.get(flag)?.at(-1);
  try {
    return readBusCredentials({
      nkeySeedFile: value('nats-nkey-seed-file'),
      user: value('nats-user'),
      password: value('nats-password'),
      passwordFile: value('nats-password-file'),
      tlsCa: value('nats-tls-ca'),
      tlsCert: value('nats-tls-cert'),
      tlsKey: value('nats-tls-key'),
    });
  } catch (error) {
    throw error instanceof BusCredentialsError ? new FlagError(error.message) : error;
  }
}
