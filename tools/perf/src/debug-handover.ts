import { MessageBus, decodeJson } from '@flotilla/transport';
import { createBenchRepository, MATMUL_COUNT1, MATMUL_EXCLUSIVE } from './bench/bench-repository';
import { startFlotilla } from './bench/flotilla-under-test';

async function main(): Promise<void> {
  const repository = createBenchRepository(['matmul_chain', MATMUL_COUNT1, MATMUL_EXCLUSIVE]);
  const flotilla = await startFlotilla(repository.dir, {}, { rateLimit: 'execution_count', rateLimitResources: ['EXCLUSIVE:1'], busSecurity: false });
  console.log('log', flotilla.logFile);
  const bus = await MessageBus.connect({ servers: flotilla.natsUrl, name: 'dbg' });
  const seen: string[] = [];
  const short = (s: string) => s.replace(/cpu-[0-9a-f]+\/matmul_chain_exclusive\/1\/matmul_chain_exclusive_0_/g, 'S');
  bus.subscribe('flotilla.executor.*.slot.*.go', (m) => seen.push(short(`${Date.now() % 100000} GO ${m.subject.slice(-5)} ${JSON.stringify(decodeJson(m.data))}`)));
  bus.subscribe('flotilla.slot.released.gated.>', (m) => seen.push(short(`${Date.now() % 100000} REL ${JSON.stringify(decodeJson(m.data))}`)));
  bus.subscribe('flotilla.rate-limiter.>', (m) => seen.push(short(`${Date.now() % 100000} RL ${m.subject.slice(21)} ${m.data.length < 400 ? new TextDecoder().decode(m.data) : ''}`)));
  const input = Array.from({ length: 1024 }, (_, i) => (i % 7) / 7);
  const body = JSON.stringify({ inputs: [{ name: 'INPUT0', shape: [1, 1024], datatype: 'FP32', data: input }] });
  let running = true;
  let done = 0;
  const client = async () => {
    while (running) { await (await fetch(`${flotilla.url}/v2/models/${MATMUL_EXCLUSIVE}/infer`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).text(); done++; }
  };
  const clients = Array.from({ length: 4 }, client);
  await new Promise((r) => setTimeout(r, 1000));
  const before = seen.length; const doneBefore = done;
  await new Promise((r) => setTimeout(r, 2000));
  const kinds = new Map<string, number>();
  for (const line of seen.slice(before)) { const k = line.split(' ').slice(1, 3).join(' ').replace(/S\d/, 'S') + (line.includes('"after"') ? ' after' : line.includes('handedTo') ? ' handedTo' : line.includes('"next"') ? ' +next' : ''); kinds.set(k, (kinds.get(k) ?? 0) + 1); }
  console.log(`requests ${done - doneBefore}`, [...kinds].map(([k, v]) => `${k}: ${v}`).join('\n'));
  running = false;
  await Promise.all(clients);
  console.log(seen.slice(-30).join('\n'));
  await flotilla.stop();
  repository.remove();
}
void main();
