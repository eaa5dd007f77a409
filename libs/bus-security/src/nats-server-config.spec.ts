import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBusDeployment, removeBusDeployment, serverUsers, type BusDeployment } from './bus-deployment';
import { BUS_IDENTITIES } from './bus-permissions';
import { renderNatsServerConfig } from './nats-server-config';

let deployment: BusDeployment;

beforeAll(() => {
  deployment = createBusDeployment({ hosts: ['10.77.0.2', 'exec-1.flotilla.test'] });
});

afterAll(() => removeBusDeployment(deployment));

describe('createBusDeployment', () => {
  it('issues nats-server a certificate of its CA for loopback and the hosts given, usable by both ends of a route', () => {
    const text = spawnSync('openssl', ['x509', '-in', deployment.server.certFile, '-noout', '-text'], { encoding: 'utf8' }).stdout;
    expect(text).toMatch(/IP Address:127\.0\.0\.1/);
    expect(text).toMatch(/IP Address:0:0:0:0:0:0:0:1/);
    expect(text).toMatch(/DNS:localhost/);
    expect(text).toMatch(/IP Address:10\.77\.0\.2/);
    expect(text).toMatch(/DNS:exec-1\.flotilla\.test/);
    expect(text).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
    const verify = spawnSync('openssl', ['verify', '-CAfile', deployment.ca.certFile, deployment.server.certFile], { encoding: 'utf8' });
    expect(verify.stdout.trim()).toBe(`${deployment.server.certFile}: OK`);
  });

  it('gives every identity its own nkey, secrets readable by the owner only', () => {
    const keys = BUS_IDENTITIES.map((identity) => deployment.identities[identity].publicKey);
    expect(new Set(keys).size).toBe(BUS_IDENTITIES.length);
    for (const identity of BUS_IDENTITIES) {
      const { seedFile, publicKey } = deployment.identities[identity];
      expect(publicKey).toMatch(/^U[A-Z2-7]{55}$/);
      expect(readFileSync(seedFile, 'utf8')).toMatch(/^SU[A-Z2-7]{56}\n$/);
      expect(statSync(seedFile).mode & 0o077).toBe(0);
    }
    expect(statSync(deployment.ca.keyFile).mode & 0o077).toBe(0);
    expect(statSync(deployment.server.keyFile).mode & 0o077).toBe(0);
    expect(statSync(deployment.dir).mode & 0o077).toBe(0);
  });

  it('makes new keys and a new CA each time: two deployments share nothing', () => {
    const other = createBusDeployment();
    try {
      expect(other.identities.executor.publicKey).not.toBe(deployment.identities.executor.publicKey);
      expect(readFileSync(other.ca.certFile, 'utf8')).not.toBe(readFileSync(deployment.ca.certFile, 'utf8'));
      expect(other.routeUser.password).not.toBe(deployment.routeUser.password);
    } finally {
      removeBusDeployment(other);
    }
  });
});

describe('renderNatsServerConfig', () => {
  it('writes TLS, the identities with their permissions and a cluster block that nats-server accepts', () => {
    const text = renderNatsServerConfig({
      listen: '10.77.0.2:4222',
      monitor: '127.0.0.1:8222',
      tls: { certFile: deployment.server.certFile, keyFile: deployment.server.keyFile, caFile: deployment.ca.certFile },
      users: serverUsers(deployment),
      cluster: { name: 'flotilla', listen: '10.77.0.2:6222', routes: ['10.77.0.3:6222', '10.77.0.4:6222'], routeUser: { user: 'route', password: 'p@ss:/word' }, tls: { certFile: deployment.server.certFile, keyFile: deployment.server.keyFile, caFile: deployment.ca.certFile } },
    });
    expect(text).toContain(`nkey: "${deployment.identities.gateway.publicKey}"`);
    expect(text).toContain('"flotilla.infer"');
    // Route URLs carry the credentials escaped, so a password with URL characters survives.
    expect(text).toContain('"nats-route://route:p%40ss%3A%2Fword@10.77.0.3:6222"');
    // No secret of any identity is in the server's config: only public keys.
    for (const identity of BUS_IDENTITIES) expect(text).not.toContain(readFileSync(deployment.identities[identity].seedFile, 'utf8').trim());

    // (Not local-cluster's findNatsServer: that library depends on this one.)
    const binary = ['nats-server', '/usr/sbin/nats-server', '/usr/local/bin/nats-server'].find((candidate) => spawnSync(candidate, ['--version']).status === 0);
    if (!binary) throw new Error('nats-server is not installed (apt-get install nats-server): this test checks the config with it');
    const file = join(deployment.dir, 'check.conf');
    writeFileSync(file, text);
    const check = spawnSync(binary, ['-c', file, '-t'], { encoding: 'utf8' });
    expect([check.status, check.stdout + check.stderr]).toEqual([0, expect.stringMatching(/configuration file .* is valid/)]);
  });
});
