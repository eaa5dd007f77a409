import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errors } from '@nats-io/transport-node';
import { BusCredentialsError, readBusCredentials } from './bus-credential-files';
import { accessRefusal, BusAccessError, natsCredentialOptions } from './bus-credentials';

const SEED = `SU${'A'.repeat(56)}`;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-credentials-'));
  writeFileSync(join(dir, 'ok.nk'), `${SEED}\n`);
  writeFileSync(join(dir, 'bad.nk'), 'hunter2\n');
  writeFileSync(join(dir, 'password'), 'p@ss word\n');
  writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readBusCredentials', () => {
  it('reads an nkey seed and a CA from their files', () => {
    expect(readBusCredentials({ nkeySeedFile: join(dir, 'ok.nk'), tlsCa: join(dir, 'ca.pem') })).toEqual({ nkeySeed: SEED, tls: { ca: '-----BEGIN CERTIFICATE-----\n' } });
    expect(readBusCredentials({})).toBeUndefined();
  });

  it('reads a password file without its final newline, keeping every other character', () => {
    expect(readBusCredentials({ user: 'gateway', passwordFile: join(dir, 'password') })).toEqual({ user: 'gateway', password: 'p@ss word' });
  });

  it('refuses what cannot be used, naming the flag', () => {
    const refused = (sources: Parameters<typeof readBusCredentials>[0]) => {
      try {
        readBusCredentials(sources);
      } catch (error) {
        expect(error).toBeInstanceOf(BusCredentialsError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ nkeySeedFile: join(dir, 'missing.nk') })).toMatch(/^--nats-nkey-seed-file: cannot read '.*missing\.nk': ENOENT$/);
    expect(refused({ nkeySeedFile: join(dir, 'bad.nk') })).toMatch(/does not hold an nkey user seed/);
    expect(refused({ nkeySeedFile: join(dir, 'ok.nk'), user: 'u', password: 'p' })).toMatch(/give one/);
    expect(refused({ user: 'u' })).toMatch(/--nats-user 'u' needs --nats-password/);
    expect(refused({ password: 'p' })).toMatch(/--nats-password needs --nats-user/);
    expect(refused({ user: 'u', password: 'p', passwordFile: join(dir, 'password') })).toMatch(/both given/);
    expect(refused({ tlsCert: join(dir, 'ca.pem') })).toMatch(/--nats-tls-cert and --nats-tls-key go together/);
  });
});

describe('natsCredentialOptions', () => {
  it('turns credentials into the client options: an nkey authenticator, a user, TLS', () => {
    expect(natsCredentialOptions(undefined)).toEqual({});
    const options = natsCredentialOptions({ nkeySeed: SEED, tls: { ca: 'pem' } });
    expect(typeof options.authenticator).toBe('function');
    expect(options.tls).toEqual({ ca: 'pem' });
    expect(natsCredentialOptions({ user: 'u', password: 'p' })).toMatchObject({ user: 'u', pass: 'p' });
  });
});

describe('accessRefusal', () => {
  const options = { servers: 'nats://127.0.0.1:4222', name: 'scheduler', credentials: { nkeySeed: SEED } };

  it('stops on a refusal, naming what to check', () => {
    const auth = accessRefusal(new errors.AuthorizationError('Authorization Violation'), options);
    expect(auth).toBeInstanceOf(BusAccessError);
    expect(auth?.message).toMatch(/^nats-server at nats:\/\/127\.0\.0\.1:4222 refused scheduler's credentials \(an nkey\)/);
    const certificate = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(accessRefusal(certificate, options)?.message).toMatch(/presented a certificate scheduler does not trust .*--nats-tls-ca/);
    expect(accessRefusal(new errors.ConnectionError("server does not support 'tls'"), options)?.message).toMatch(/does not speak TLS/);
  });

  it('keeps trying when the server is only not there (yet)', () => {
    expect(accessRefusal(new errors.ConnectionError('connection refused', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }), options)).toBeUndefined();
    expect(accessRefusal(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), options)).toBeUndefined();
  });
});
