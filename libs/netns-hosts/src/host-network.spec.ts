// Builds real namespaces: needs root and iproute2, as the multi-host e2e test does (CI runs as root).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { HostNetwork } from './host-network';
import { ip, listNamespaces } from './ip-command';
import { namespaceName } from './namespace-names';
import { removeStaleNamespaces } from './stale-namespaces';

const PREFIX = 'flotilla-spec';

/** Runs node code inside a host; returns its stdout, or throws with its stderr. */
function runIn(network: HostNetwork, host: string, code: string): string {
  const { command, args } = network.host(host).wrap(process.execPath, ['-e', code]);
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`node in ${host} failed (${result.status}): ${result.stderr}`);
  return result.stdout.trim();
}

describe('HostNetwork', () => {
  let network: HostNetwork | undefined;
  afterEach(() => network?.destroy());

  it('connects its hosts to each other and to nothing else, and removes everything afterwards', () => {
    network = HostNetwork.create({ hosts: ['one', 'two'], prefix: PREFIX });
    const [one, two] = network.hosts;
    expect([one.address, two.address]).toEqual(['10.77.0.1', '10.77.0.2']);
    // one reaches two's address over the bridge (a TCP connect: refused means the host answered).
    const reach = `require('node:net').connect(7, '${two.address}').on('error', (e) => { console.log(e.code); process.exit(0); }).on('connect', () => { console.log('open'); process.exit(0); })`;
    expect(runIn(network, 'one', reach)).toBe('ECONNREFUSED');
    // No route out, and the machine's own namespace got no address of the hosts'.
    expect(ip(['-n', one.namespace, 'route', 'show', 'default']).trim()).toBe('');
    expect(ip(['-4', 'addr', 'show'])).not.toContain('10.77.0.');
    // Each host has its own /dev/shm.
    runIn(network, 'one', "require('node:fs').writeFileSync('/dev/shm/mark', 'x')");
    expect(existsSync(`${one.shmDir}/mark`)).toBe(true);
    expect(existsSync(`${two.shmDir}/mark`)).toBe(false);

    const namespaces = [one.namespace, two.namespace, network.switchNamespace];
    network.destroy();
    expect(listNamespaces().filter((name) => namespaces.includes(name))).toEqual([]);
    expect(existsSync(network.workDir)).toBe(false);
  });

  it('a host cut off cannot be reached until it is plugged back in', () => {
    network = HostNetwork.create({ hosts: ['one', 'two'], prefix: PREFIX });
    const reach = `const s = require('node:net').connect(7, '10.77.0.2'); s.setTimeout(500, () => { console.log('timeout'); process.exit(0); }); s.on('error', (e) => { console.log(e.code); process.exit(0); })`;
    network.disconnect('two');
    expect(runIn(network, 'one', reach)).not.toBe('ECONNREFUSED');
    network.reconnect('two');
    expect(runIn(network, 'one', reach)).toBe('ECONNREFUSED');
  });

  it("sweeps the namespaces of a run that died, and leaves a live run's alone", () => {
    const dead = spawnSync('true').pid!;
    const stale = namespaceName(PREFIX, dead, 'left');
    ip(['netns', 'add', stale]);
    network = HostNetwork.create({ hosts: ['one'], prefix: PREFIX });
    expect(listNamespaces()).not.toContain(stale);
    expect(removeStaleNamespaces(PREFIX)).toEqual([]);
    expect(listNamespaces()).toContain(network.host('one').namespace);
  });

  it('refuses host names that cannot be namespace names, before creating anything', () => {
    expect(() => HostNetwork.create({ hosts: ['Front'], prefix: PREFIX })).toThrow(/lower-case/);
    expect(() => HostNetwork.create({ hosts: ['a', 'a'], prefix: PREFIX })).toThrow(/unique/);
  });
});
