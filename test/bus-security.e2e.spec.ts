// Authentication and TLS on the bus (issue 14 item 6). A deployment started the default way runs
// with fresh credentials and certificates (libs/bus-security): every service connects over TLS as
// its own nkey identity and may use only its own subjects. Checked here against real processes:
// requests work end to end with every connection authenticated and encrypted, and nothing a
// service did was refused; the gateway's identity cannot announce an executor and an executor's
// cannot send an inference; a plaintext connection, unknown keys, a foreign CA and keys of
// another deployment are refused, and a service given them exits non-zero saying why; a process
// left over from another deployment that reaches this bus' port cannot join it. Then two
// nats-servers joined by TLS routes, as the multi-host harness renders them.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join, resolve } from 'node:path';
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import { clientCredentials, clientFlags, createBusDeployment, removeBusDeployment, renderNatsServerConfig, serverTls, serverUsers, type BusDeployment } from '@flotilla/bus-security';
import { freePort, startNatsServer, waitForPort } from '@flotilla/local-cluster';
import { MessageBus, natsCredentialOptions, type BusCredentials } from '@flotilla/transport';
import { postJson, range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import { sleepModel, testRepository } from './support/repository';

const SCHEDULER = resolve(__dirname, '../dist/apps/scheduler/src/main.js');

let flotilla: TestFlotilla;
/** Deployments made in this file only to hold foreign credentials. */
const foreign: BusDeployment[] = [];

beforeAll(async () => {
  flotilla = await startFlotilla({
    name: 'bus-security',
    // The rate limiter on the request path too (stage, grant, gated release), so each service's permissions are exercised.
    rateLimit: 'execution_count',
    natsMonitorPort: await freePort(),
    modelRepository: testRepository(sleepModel('gated', '{ count: 1, kind: KIND_CPU, rate_limiter { resources [ { name: "R", count: 1 } ] } }', 1)),
    repositoryFlags: ['--model-control-mode', 'explicit', '--load-model', 'simple', '--load-model', 'gated'],
  });
});

afterAll(async () => {
  await flotilla?.stop();
  for (const deployment of foreign) removeBusDeployment(deployment);
});

function anotherDeployment(): BusDeployment {
  const deployment = createBusDeployment();
  foreign.push(deployment);
  return deployment;
}

async function connectAs(credentials: BusCredentials | undefined, name: string): Promise<NatsConnection> {
  return connect({ servers: flotilla.cluster.natsUrl, name, ...natsCredentialOptions(credentials) });
}

/** Starts a service with these flags and waits for it to exit: its code and everything it printed. */
async function runToExit(main: string, flags: readonly string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [main, ...flags], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FLOTILLA_EXIT_TIMEOUT_SECS: '5' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

const a = range(16);
const b = range(16, 100);

describe('a deployment started the default way', () => {
  it('serves requests end to end, every hop authenticated, over TLS', async () => {
    const simple = await postJson(`${flotilla.url}/v2/models/simple/infer`, simpleRequest(a, b));
    expect(simple.status).toBe(200);
    expect(simple.json<{ outputs: { name: string; data: number[] }[] }>().outputs.find((o) => o.name === 'OUTPUT0')?.data).toEqual(a.map((x, i) => x + b[i]));
    // Through the rate limiter: stage, grant, gated release.
    const gated = await postJson(`${flotilla.url}/v2/models/gated/infer`, { inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [7] }] });
    expect(gated.status).toBe(200);
    // Control requests of every kind: the repository (load/unload), scheduler status and statistics, the rate limiter's status, health.
    expect((await postJson(`${flotilla.url}/v2/repository/models/identity_fp32/load`, {})).status).toBe(200);
    expect((await postJson(`${flotilla.url}/v2/repository/models/identity_fp32/unload`, {})).status).toBe(200);
    for (const path of ['/v2/flotilla/slots', '/v2/models/simple/stats', '/v2/flotilla/rate-limiter', '/v2/flotilla/health']) {
      expect([path, (await fetch(`${flotilla.url}${path}`)).status]).toEqual([path, 200]);
    }

    // nats-server's view: every connection is TLS and one of this deployment's identities.
    const connz = (await (await fetch(`${flotilla.cluster.natsMonitorUrl}/connz?auth=true`)).json()) as { connections: { name?: string; tls_version?: string; authorized_user?: string }[] };
    const keys = new Map(Object.entries(flotilla.cluster.bus!.identities).map(([identity, key]) => [key.publicKey, identity]));
    const seen = connz.connections.map((c) => ({ name: c.name, tls: Boolean(c.tls_version), identity: keys.get(c.authorized_user ?? '') }));
    console.log(`bus connections: ${seen.map((c) => `${c.name} as ${c.identity}${c.tls ? ' (TLS)' : ''}`).join('; ')}`);
    expect(seen.length).toBeGreaterThanOrEqual(7); // five services + at least two slot threads
    for (const connection of seen) expect(connection).toMatchObject({ tls: true, identity: expect.any(String) });
    const identityOf = (prefix: string) => seen.filter((c) => c.name?.startsWith(prefix)).map((c) => c.identity);
    expect(identityOf('gateway')).toEqual(['gateway']);
    expect(identityOf('scheduler')).toEqual(['scheduler']);
    expect(identityOf('executor').length).toBeGreaterThanOrEqual(3);
    expect(new Set(identityOf('executor'))).toEqual(new Set(['executor']));
  });

  it('refuses the gateway identity an executor announcement, and an executor identity an inference', async () => {
    // A watcher that hears whatever reaches the two subjects (real executors announce there too: only the forged body counts).
    const admin = await connectAs(flotilla.cluster.busCredentials('admin'), 'bus-security watcher');
    const forged: string[] = [];
    for (const subject of ['flotilla.executor.announce', 'flotilla.infer']) {
      admin.subscribe(subject, { callback: (_e, message) => void (message.string().includes('forged') && forged.push(message.subject)) });
    }
    await admin.flush();
    try {
      for (const [identity, subject] of [
        ['gateway', 'flotilla.executor.announce'],
        ['executor', 'flotilla.infer'],
      ] as const) {
        const impostor = await MessageBus.connect({ servers: flotilla.cluster.natsUrl, name: `impostor ${identity}`, credentials: flotilla.cluster.busCredentials(identity) });
        const refusals: string[] = [];
        impostor.watchRefusals((text) => refusals.push(text));
        impostor.publish(subject, new TextEncoder().encode('{"executorId":"forged"}'));
        await impostor.flush();
        const deadline = Date.now() + 5_000;
        while (refusals.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await impostor.drain();
        expect(refusals).toEqual([`nats-server refused to let this service publish to '${subject}' (permissions violation): its bus identity does not allow it`]);
      }
      // Nothing forged reached anyone; and the watcher does hear what is published (a harmless subject of its own).
      const control = new Promise<string>((done) => admin.subscribe('flotilla.bus-security.control', { max: 1, callback: (_e, m) => done(m.string()) }));
      admin.publish('flotilla.bus-security.control', 'heard');
      expect(await control).toBe('heard');
      expect(forged).toEqual([]);
    } finally {
      await admin.close();
    }
  });

  it("refuses an identity a subscription to another's answers", async () => {
    const impostor = await MessageBus.connect({ servers: flotilla.cluster.natsUrl, name: 'impostor eavesdropper', credentials: flotilla.cluster.busCredentials('executor') });
    const refusals: string[] = [];
    impostor.watchRefusals((text) => refusals.push(text));
    impostor.subscribe('_INBOX.gateway.>', () => undefined);
    await impostor.flush();
    const deadline = Date.now() + 5_000;
    while (refusals.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await impostor.drain();
    expect(refusals).toEqual([`nats-server refused to let this service subscribe to '_INBOX.gateway.>' (permissions violation): its bus identity does not allow it`]);
  });

  it('refuses a plaintext connection: TLS is required before anything else', async () => {
    const socket = tcpConnect(flotilla.cluster.natsServer.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    await once(socket, 'connect');
    while (!received.includes('\r\n')) await once(socket, 'data');
    const info = JSON.parse(received.slice('INFO '.length, received.indexOf('\r\n'))) as { tls_required?: boolean };
    expect(info.tls_required).toBe(true);
    // A client that talks protocol in the clear instead of starting TLS gets no PONG: the server hangs up.
    socket.write('CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n');
    await Promise.race([once(socket, 'close'), new Promise((r) => setTimeout(r, 10_000))]);
    expect(socket.destroyed || socket.readyState === 'closed').toBe(true);
    expect(received).not.toContain('PONG');
  });

  it('refuses a client without credentials, and one with keys of another deployment', async () => {
    const tls = flotilla.cluster.busCredentials('admin')!.tls;
    await expect(connectAs({ tls }, 'no keys')).rejects.toBeInstanceOf(errors.AuthorizationError);
    const old = anotherDeployment();
    await expect(connectAs({ nkeySeed: clientCredentials(old, 'admin').nkeySeed, tls }, 'old keys')).rejects.toBeInstanceOf(errors.AuthorizationError);
  });

  it('stops a service given wrong credentials at once, with a clear error naming the problem', async () => {
    const good = clientFlags(flotilla.cluster.bus!, 'scheduler');
    const url = ['--nats-url', flotilla.cluster.natsUrl];
    const old = anotherDeployment();

    const oldKeys = await runToExit(SCHEDULER, [...url, '--nats-nkey-seed-file', old.identities.scheduler.seedFile, '--nats-tls-ca', flotilla.cluster.bus!.ca.certFile]);
    expect(oldKeys.code).toBe(1);
    expect(oldKeys.output).toMatch(/nats-server at nats:\/\/127\.0\.0\.1:\d+ refused scheduler's credentials \(an nkey\): Authorization Violation/);

    const foreignCa = await runToExit(SCHEDULER, [...url, '--nats-nkey-seed-file', good[1], '--nats-tls-ca', old.ca.certFile]);
    expect(foreignCa.code).toBe(1);
    expect(foreignCa.output).toMatch(/presented a certificate scheduler does not trust .*--nats-tls-ca/);

    const noTls = await runToExit(SCHEDULER, [...url, '--nats-nkey-seed-file', good[1]]);
    expect(noTls.code).toBe(1);
    expect(noTls.output).toMatch(/presented a certificate scheduler does not trust/);

    const missing = await runToExit(SCHEDULER, [...url, '--nats-nkey-seed-file', join(old.dir, 'no-such.nk'), '--nats-tls-ca', old.ca.certFile]);
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/--nats-nkey-seed-file: cannot read '.*no-such\.nk': ENOENT/);

    const notASeed = join(old.dir, 'not-a-seed.nk');
    writeFileSync(notASeed, 'hunter2\n');
    const garbage = await runToExit(SCHEDULER, [...url, '--nats-nkey-seed-file', notASeed]);
    expect(garbage.code).toBe(2);
    expect(garbage.output).toMatch(/does not hold an nkey user seed/);

    const both = await runToExit(SCHEDULER, [...url, ...good, '--nats-user', 'scheduler', '--nats-password', 'x']);
    expect(both.code).toBe(2);
    expect(both.output).toMatch(/two ways to say who this process is/);
  });

  it('let no service be refused anything while it served (each runs under its own permissions)', () => {
    const refusals = readFileSync(flotilla.logFile, 'utf8')
      .split('\n')
      .filter((line) => /Violation/.test(line))
      // The test's own impostors were refused on purpose (above); nobody else may have been.
      .filter((line) => !line.includes('nats.js:impostor '));
    expect(refusals).toEqual([]);
    const serviceErrors = readFileSync(flotilla.logFile, 'utf8').split('\n').filter((line) => /permissions violation|refused this service/.test(line));
    expect(serviceErrors).toEqual([]);
  });

  // Last: it takes the deployment's bus away.
  it("does not let a process of another deployment join when that deployment's nats-server takes the port", async () => {
    const executor = flotilla.cluster.service('executor:cpu');
    const port = flotilla.cluster.natsServer.port;
    const ours = flotilla.cluster.bus!;
    // The launcher of this deployment died and another deployment's nats-server took its port:
    // this executor is now an orphan, and reconnects there with a CA and keys that bus never issued.
    await flotilla.cluster.killNats();
    const other = anotherDeployment();
    const monitorPort = await freePort();
    const strangerLines: string[] = [];
    let stranger = await startNatsServer(port, (line) => strangerLines.push(line), monitorPort, undefined, { deployment: other });
    try {
      const admin = await connect({ servers: `nats://127.0.0.1:${port}`, ...natsCredentialOptions(clientCredentials(other, 'admin')) });
      const heard: string[] = [];
      admin.subscribe('>', { callback: (_e, m) => void heard.push(m.subject) });
      await new Promise((r) => setTimeout(r, 3_000));
      const connz = (await (await fetch(`http://127.0.0.1:${monitorPort}/connz`)).json()) as { num_connections: number };
      await admin.close();
      // The orphan kept trying (its TLS handshakes fail: it trusts only its own CA), and got nowhere.
      expect(executor.running).toBe(true);
      expect(strangerLines.join('\n')).toMatch(/TLS handshake error/);
      expect(connz.num_connections).toBe(1); // the admin above, nobody else
      expect(heard.filter((subject) => subject.startsWith('flotilla.'))).toEqual([]);
    } finally {
      stranger.child.kill('SIGKILL');
      await once(stranger.child, 'exit');
    }

    // The same port again, now a server with this deployment's certificate but other keys (its
    // credentials were replaced): the orphan's keys are refused, and it stops, saying why.
    const exited = executor.exited;
    stranger = await startNatsServer(port, () => undefined, undefined, undefined, { deployment: { ...other, ca: ours.ca, server: ours.server } });
    try {
      const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 20_000))]);
      expect(code).toBe(1);
      expect(readFileSync(flotilla.logFile, 'utf8')).toMatch(/executor:cpu .*nats-server refused this service's credentials after a reconnect \(Authorization Violation\): the server belongs to another deployment now, or the credentials changed; exiting/);
    } finally {
      stranger.child.kill('SIGKILL');
      await once(stranger.child, 'exit');
    }
  });
});

describe('two nats-servers joined by routes', () => {
  const servers: ReturnType<typeof spawn>[] = [];
  let deployment: BusDeployment;

  afterAll(async () => {
    for (const server of servers) {
      if (server.exitCode === null) {
        server.kill('SIGKILL');
        await once(server, 'exit');
      }
    }
    if (deployment) removeBusDeployment(deployment);
  });

  it('carry messages between nodes over TLS routes, and refuse a node with a foreign certificate', async () => {
    deployment = createBusDeployment();
    const [clientA, clientB, routeA, routeB] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const routes = [`127.0.0.1:${routeA}`, `127.0.0.1:${routeB}`];
    const tls = serverTls(deployment);
    const start = (name: string, client: number, route: number, routeTls = tls) => {
      const file = join(deployment.dir, `${name}.conf`);
      writeFileSync(
        file,
        renderNatsServerConfig({
          serverName: name,
          listen: `127.0.0.1:${client}`,
          tls,
          users: serverUsers(deployment),
          cluster: { name: 'flotilla-test', listen: `127.0.0.1:${route}`, routes, routeUser: deployment.routeUser, tls: routeTls },
        }),
      );
      const lines: string[] = [];
      const child = spawn('nats-server', ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stderr!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n')));
      servers.push(child);
      return { child, lines };
    };
    const nodeA = start('a', clientA, routeA);
    const nodeB = start('b', clientB, routeB);
    await waitForPort(clientA, 10_000);
    await waitForPort(clientB, 10_000);

    const admin = clientCredentials(deployment, 'admin');
    const atA = await connect({ servers: `nats://127.0.0.1:${clientA}`, ...natsCredentialOptions(admin) });
    const atB = await connect({ servers: `nats://127.0.0.1:${clientB}`, ...natsCredentialOptions(admin) });
    try {
      const got = new Promise<string>((done) => atB.subscribe('flotilla.route-check', { max: 1, callback: (_e, m) => done(m.string()) }));
      await atB.flush();
      // Routes take a moment to form; publish until the other node hears it.
      let answer: string | undefined;
      void got.then((text) => (answer = text));
      const deadline = Date.now() + 15_000;
      while (answer === undefined && Date.now() < deadline) {
        atA.publish('flotilla.route-check', 'across');
        await atA.flush();
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(answer).toBe('across');
    } finally {
      await atA.close();
      await atB.close();
    }
    expect([...nodeA.lines, ...nodeB.lines].join('\n')).toMatch(/Route connection created/);

    // A third node whose certificate another deployment's CA signed cannot join the routes.
    const stranger = anotherDeployment();
    const clientC = await freePort();
    const routeC = await freePort();
    const nodeC = start('c', clientC, routeC, serverTls(stranger));
    await waitForPort(clientC, 10_000);
    const refusedDeadline = Date.now() + 15_000;
    const refused = () => /TLS route handshake error|certificate|tls: /i.test([...nodeA.lines, ...nodeB.lines, ...nodeC.lines].join('\n'));
    while (!refused() && Date.now() < refusedDeadline) await new Promise((r) => setTimeout(r, 100));
    expect(refused()).toBe(true);
    expect(nodeC.lines.join('\n')).not.toMatch(/Route connection created/);
  });
});
