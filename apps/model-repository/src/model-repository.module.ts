import { Module, type DynamicModule } from '@nestjs/common';
import { resolve } from 'node:path';
import { parseRateLimitMode, parseRateLimitResources } from '@flotilla/rate-limiting';
import { COMMON_FLAGS, ControlPlaneModule, FlagError, FleetController, FleetView, flagInt, flagString, parseFlags } from '@flotilla/service-kit';
import { DeviceInventory } from './device-inventory';
import { RepositoryController } from './repository.controller';
import { REPOSITORY_OPTIONS, RepositoryService, type RepositoryOptions } from './repository.service';

const FLAGS = [
  ...COMMON_FLAGS,
  { name: 'model-repository', description: 'path of the model repository', default: 'examples/model_repository' },
  { name: 'model-control-mode', description: 'none (load everything at start)', default: 'none' },
  { name: 'gpus', description: "GPU ids the fleet provides, e.g. 0,1,2, or none (default: learned from executors' announcements)", default: '' },
  { name: 'device-discovery-ms', description: 'with no --gpus: how long to listen for executors before the first load', default: '1000' },
  { name: 'rate-limit', description: "off | execution_count: with execution_count, a model whose instances need more resources than offered fails to load", default: 'off' },
  { name: 'rate-limit-resource', description: '<name>:<count>[:<device>], repeatable (as given to the rate limiter)', repeatable: true },
];

@Module({})
export class ModelRepositoryModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const flags = parseFlags(argv, FLAGS);
    const mode = flagString(flags, 'model-control-mode');
    if (mode !== 'none') throw new FlagError(`--model-control-mode=${mode} is not supported yet; only 'none' is`);
    const options: RepositoryOptions = {
      repository: resolve(flagString(flags, 'model-repository')),
      gpus: parseGpus(flagString(flags, 'gpus')),
      discoveryMs: flagInt(flags, 'device-discovery-ms', 0, 60_000),
      rateLimit: rateLimitOptions(flags.get('rate-limit')?.at(-1) ?? 'off', flags.get('rate-limit-resource') ?? []),
    };
    return {
      module: ModelRepositoryModule,
      imports: [ControlPlaneModule.forRoot({ servers: flagString(flags, 'nats-url'), name: 'model-repository' })],
      controllers: [RepositoryController, FleetController],
      providers: [{ provide: REPOSITORY_OPTIONS, useValue: options }, FleetView, DeviceInventory, RepositoryService],
    };
  }
}

function parseGpus(text: string): number[] | undefined {
  if (text.trim() === '') return undefined;
  if (text.trim() === 'none') return [];
  return text.split(',').map((part) => {
    const id = Number(part.trim());
    if (!Number.isInteger(id) || id < 0) throw new FlagError(`--gpus must be a comma-separated list of GPU ids, got '${text}'`);
    return id;
  });
}

function rateLimitOptions(mode: string, resources: readonly string[]) {
  try {
    return { mode: parseRateLimitMode(mode), explicitResources: parseRateLimitResources(resources) };
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
}
