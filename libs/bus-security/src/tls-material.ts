import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';

/** A certificate authority made for one deployment: it signs that deployment's certificates and no other's. */
export interface CertificateAuthority {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface IssuedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Certificates live as long as a deployment is likely to; a long-lived deployment issues its own. */
const VALID_DAYS = 825;

export class TlsMaterialError extends Error {}

/**
 * Makes a deployment's CA with `openssl` (P-256 keys: fast to make, and every TLS stack takes
 * them). Files are written 0600 under `dir`.
 */
export function createCertificateAuthority(dir: string, deploymentId: string): CertificateAuthority {
  const ca = { certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca-key.pem') };
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', ca.keyFile, '-out', ca.certFile, '-days', String(VALID_DAYS), '-subj', `/O=Flotilla/CN=flotilla deployment ${deploymentId} CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], 'make the CA');
  return ca;
}

/**
 * Issues a nats-server certificate signed by `ca`, valid for `hosts` (names and IP addresses, its
 * subject alternative names: clients check the address they dialled against them). It serves
 * both sides of a TLS handshake, so cluster routes (each server a client of the other) use it too.
 */
export function issueServerCertificate(ca: CertificateAuthority, dir: string, name: string, hosts: readonly string[]): IssuedCertificate {
  if (hosts.length === 0) throw new TlsMaterialError('a server certificate needs at least one host name or IP address');
  for (const host of hosts) {
    if (!isIP(host) && !/^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) throw new TlsMaterialError(`'${host}' is neither an IP address nor a host name`);
  }
  const san = hosts.map((host) => (isIP(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
  return issue(ca, dir, name, `/O=Flotilla/CN=${hosts[0]}`, ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth,clientAuth', `subjectAltName=${san}`]);
}

/** Issues a client certificate (for a server that verifies clients' certificates: `verify: true`). */
export function issueClientCertificate(ca: CertificateAuthority, dir: string, name: string): IssuedCertificate {
  return issue(ca, dir, name, `/O=Flotilla/CN=${name}`, ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth']);
}

function issue(ca: CertificateAuthority, dir: string, name: string, subject: string, extensions: readonly string[]): IssuedCertificate {
  const cert = { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}-key.pem`) };
  const request = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, `${extensions.join('\n')}\n`, { mode: 0o600 });
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', cert.keyFile, '-out', request, '-subj', subject], `make the key of ${name}`);
  // A random serial: two certificates of one CA must never share one, and no serial file is kept.
  openssl(['x509', '-req', '-in', request, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', String(VALID_DAYS), '-out', cert.certFile, '-extfile', extFile], `sign the certificate of ${name}`);
  return cert;
}

function openssl(args: readonly string[], what: string): void {
  // umask 077: keys are never readable by anyone else, not even for the instant before a chmod.
  const run = spawnSync('sh', ['-c', 'umask 077 && exec openssl "$@"', 'openssl', ...args], { encoding: 'utf8' });
  if (run.error) throw new TlsMaterialError(`could not ${what}: openssl did not run (${run.error.message}); install it ('apt-get install openssl')`);
  if (run.status !== 0) throw new TlsMaterialError(`could not ${what}: openssl exited ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}
