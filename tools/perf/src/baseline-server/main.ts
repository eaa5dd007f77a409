#!/usr/bin/env node
// The baseline server as a process of its own (so it never shares an event loop with the load
// generator), the same way Flotilla's services run:
//   node dist/tools/perf/src/baseline-server/main.js --model-repository <dir> [--port 8000] [--host 127.0.0.1] [--models a,b]
// Prints "baseline-server listening on <port>" once every instance has loaded.
import { availableParallelism } from 'node:os';
import { BaselineHttpServer } from './baseline-http-server';
import { InstancePool } from './instance-pool';
import { loadRepositoryModels } from './repository-models';

export const LISTENING_LINE = 'baseline-server listening on ';

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const repository = flags.get('model-repository');
  if (!repository) throw new Error('--model-repository is required');
  const models = loadRepositoryModels(repository, flags.get('models')?.split(','));
  const cores = Number(flags.get('cores') ?? availableParallelism());
  const pools = new Map(await Promise.all(models.map(async (model) => [model.name, await InstancePool.start(model, cores)] as const)));
  const server = new BaselineHttpServer(pools);
  const port = await server.listen(Number(flags.get('port') ?? 8000), flags.get('host') ?? '127.0.0.1');
  console.log(`${LISTENING_LINE}${port} (${models.map((m) => `${m.name}×${m.instances}`).join(', ')})`);

  const shutdown = async () => {
    await server.close();
    await Promise.all([...pools.values()].map((pool) => pool.close()));
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`expected --flag value pairs, got '${argv.slice(i).join(' ')}'`);
    flags.set(argv[i].slice(2), argv[i + 1]);
  }
  return flags;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`baseline-server: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
