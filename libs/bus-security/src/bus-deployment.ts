import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import type { BusCredentials } from '@flotilla/transport';
import { BUS_IDENTITIES, permissionsWith, type BusIdentity, type ExtraPermissions } from './bus-permissions';
import type { NatsServerConfig, ServerTls, ServerUser } from './nats-server-config';
import { createCertificateAuthority, issueServerCertificate, type CertificateAuthority, type IssuedCertificate } from './tls-material';

/** One identity's credentials: its nkey seed (the secret, in a 0600 file) and the public key nats-server is told. */
export interface IdentityKey {
  readonly seedFile: string;
  readonly publicKey: string;
}

/**
 * Everything one deployment's bus needs, made fresh for it: a CA, nats-server's certificate, an
 * nkey per identity, and the routes' password. A process that kept another deployment's files
 * (an executor orphaned by a crashed launcher, say) holds keys and a CA this deployment has never
 * heard of, so it cannot join even where it reaches the same port.
 */
export interface BusDeployment {
  readonly id: string;
  /** 0700; every secret in it is 0600. */
  readonly dir: string;
  readonly ca: CertificateAuthority;
  /** nats-server's certificate, for `hosts`. */
  readonly server: IssuedCertificate;
  readonly identities: Readonly<Record<BusIdentity, IdentityKey>>;
  /** What cluster nodes present to each other on routes. */
  readonly routeUser: { readonly user: string; readonly password: string };
}

export interface BusDeploymentOptions {
  /** Folder to write into (created if missing); default a fresh one under the OS' temp folder. */
  readonly dir?: string;
  /** Names and addresses clients dial nats-server by, beyond 127.0.0.1, ::1 and localhost. */
  readonly hosts?: readonly string[];
}

/** Generates a deployment's credentials and TLS material (openssl for the certificates: a few tens of milliseconds). */
export function createBusDeployment(options: BusDeploymentOptions = {}): BusDeployment {
  const id = randomBytes(4).toString('hex');
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), `flotilla-deployment-${id}-`));
  if (options.dir) freshFolder(dir);
  const ca = createCertificateAuthority(dir, id);
  const hosts = [...new Set(['127.0.0.1', '::1', 'localhost', ...(options.hosts ?? [])])];
  const server = issueServerCertificate(ca, dir, 'nats-server', hosts);
  const identities = {} as Record<BusIdentity, IdentityKey>;
  for (const identity of BUS_IDENTITIES) {
    const pair = nkeys.createUser();
    const seedFile = join(dir, `${identity}.nk`);
    writeFileSync(seedFile, `${new TextDecoder().decode(pair.getSeed())}\n`, { mode: 0o600 });
    identities[identity] = { seedFile, publicKey: pair.getPublicKey() };
  }
  return { id, dir, ca, server, identities, routeUser: { user: 'route', password: randomBytes(24).toString('base64url') } };
}

function freshFolder(dir: string): void {
  // An explicit folder is the caller's: emptied, so nothing from an older deployment mixes in.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** nats-server's `authorization.users`: each identity's public key with its permissions (and any a feature adds). */
export function serverUsers(deployment: BusDeployment, extra?: ExtraPermissions): ServerUser[] {
  const table = permissionsWith(extra);
  return BUS_IDENTITIES.map((identity) => ({ nkey: deployment.identities[identity].publicKey, permissions: table[identity] }));
}

/** The deployment's server certificate and CA, as nats-server presents them to clients and, in a cluster, to other nodes. */
export function serverTls(deployment: BusDeployment): ServerTls {
  return { certFile: deployment.server.certFile, keyFile: deployment.server.keyFile, caFile: deployment.ca.certFile };
}

/** What a node's config needs to enforce the deployment: TLS for clients, and only its identities with their permissions. */
export function serverSecurity(deployment: BusDeployment, extra?: ExtraPermissions): Pick<NatsServerConfig, 'tls' | 'users'> {
  return { tls: serverTls(deployment), users: serverUsers(deployment, extra) };
}

/** The flags a service connects with as `identity` (every service takes them: service-kit's COMMON_FLAGS). */
export function clientFlags(deployment: BusDeployment, identity: BusIdentity): string[] {
  return ['--nats-nkey-seed-file', deployment.identities[identity].seedFile, '--nats-tls-ca', deployment.ca.certFile];
}

/** Credentials to connect as `identity` from this process (a test's or a tool's own client). */
export function clientCredentials(deployment: BusDeployment, identity: BusIdentity): BusCredentials {
  return { nkeySeed: readFileSync(deployment.identities[identity].seedFile, 'utf8').trim(), tls: { ca: readFileSync(deployment.ca.certFile, 'utf8') } };
}

/** Deletes the deployment's folder (keys and all). */
export function removeBusDeployment(deployment: BusDeployment): void {
  rmSync(deployment.dir, { recursive: true, force: true });
}
