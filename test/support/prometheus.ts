import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@flotilla/local-cluster';

const BINARIES = { prometheus: ['prometheus', '/usr/bin/prometheus'], promtool: ['promtool', '/usr/bin/promtool'] } as const;

const found = (name: keyof typeof BINARIES) => BINARIES[name].find((candidate) => spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0);

/**
 * Debian's `prometheus` package (prometheus and promtool), installed as nats-server is: with
 * apt-get when this runs as root and it is missing. Throws, saying what to install, when it
 * cannot be had: a test that needs it fails, never passes without it.
 */
export function prometheusBinaries(): { prometheus: string; promtool: string } {
  if ((!found('prometheus') || !found('promtool')) && process.getuid?.() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (spawnSync('apt-get', ['install', '-y', '-q', 'prometheus'], { stdio: 'ignore', env }).status !== 0) {
      spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore', env });
      spawnSync('apt-get', ['install', '-y', '-q', 'prometheus'], { stdio: 'ignore', env });
    }
  }
  const prometheus = found('prometheus');
  const promtool = found('promtool');
  if (!prometheus || !promtool) {
    throw new Error("this test scrapes Flotilla with a real Prometheus: install Debian's 'prometheus' package (sudo apt-get install prometheus), or run the tests as root to have it installed");
  }
  return { prometheus, promtool };
}

/** `promtool check metrics` on a page: its exit code and what it printed. */
export function promtoolCheck(promtool: string, text: string): { status: number; problems: string[] } {
  const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const problems = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
  return { status: result.status ?? -1, problems };
}

export interface RunningPrometheus {
  readonly url: string;
  /** A PromQL instant query through the HTTP API: each sample's labels and value. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

/** Starts a private Prometheus that scrapes `target` (host:port, path /metrics) every second. */
export async function startPrometheus(binary: string, target: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-prometheus-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: flotilla\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['${target}']\n`,
  );
  const child: ChildProcess = spawn(binary, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with code ${child.exitCode} while starting`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('prometheus was not ready after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`PromQL ${promql} failed: ${JSON.stringify(body)}`);
      return body.data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
