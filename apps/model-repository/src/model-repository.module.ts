import { Module, type DynamicModule } from '@nestjs/common';
import { resolve } from 'node:path';
import { parseRateLimitMode, parseRateLimitResources } from '@flotilla/rate-limiting';
import { busOptionsFromFlags, COMMON_FLAGS, ControlPlaneModule, FlagError, FleetController, FleetView, flagBool, flagInt, flagString, parseFlags, type FlagValues } from '@flotilla/service-kit';
import { DEFAULT_MODEL_STORE_BUCKET } from '@flotilla/model-store';
import { parseModelControlMode, startupModels } from '@flotilla/repository';
import { DeviceInventory } from './device-inventory';
import { ModelPublisher, PUBLISH_OPTIONS, type PublishOptions } from './model-publisher';
import { SchedulerIdle } from './scheduler-idle';
import { SlotWatch } from './slot-watch';
import { RepositoryController } from './repository.controller';
import { REPOSITORY_OPTIONS, RepositoryService, type RepositoryOptions } from './repository.service';

const FLAGS = [
  ...COMMON_FLAGS,
  { name: 'model-repository', description: 'path of the model repository', default: 'examples/model_repository' },
  { name: 'model-control-mode', description: 'none (load every model at start) | poll (and re-read the repository every --repository-poll-secs) | explicit (load --load-model models, then what the load/unload API asks)', default: 'none' },
  { name: 'repository-poll-secs', description: 'with --model-control-mode=poll: seconds between two reads of the repository (default 15)' },
  { name: 'load-model', description: "with --model-control-mode=explicit: a model to load at start, repeatable; '*' loads every model", repeatable: true },
  { name: 'disable-auto-complete-config', description: "require every model's config.pbtxt in full: no completing an ONNX model's inputs, outputs and batching from the model file", default: 'false' },
  { name: 'gpus', description: "GPU ids the fleet provides, e.g. 0,1,2, or none (default: learned from executors' announcements)", default: '' },
  { name: 'device-discovery-ms', description: 'with no --gpus: how long to listen for executors before the first load', default: '1000' },
  { name: 'rate-limit', description: "off | execution_count: with execution_count, a model whose instances need more resources than offered fails to load", default: 'off' },
  { name: 'rate-limit-resource', description: '<name>:<count>[:<device>], repeatable (as given to the rate limiter)', repeatable: true },
  { name: 'publish-models', description: "put every loaded version's files in the model store (a JetStream object store; nats-server needs JetStream) for executors on hosts without this repository's disk; false: executors read the files here (--model-source=files)", default: 'true' },
  { name: 'model-store-bucket', description: `the model store's JetStream object store bucket (default ${DEFAULT_MODEL_STORE_BUCKET})` },
  { name: 'model-store-replicas', description: 'copies of the model store kept by a NATS cluster (JetStream replicas, 1-5; default 1)' },
];

@Module({})
export class ModelRepositoryModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const flags = parseFlags(argv, FLAGS);
    const { mode, loadModels, pollSecs } = controlOptions(flags);
    const options: RepositoryOptions = {
      mode,
      loadModels,
      pollSecs,
      autoCompleteConfig: !flagBool(flags, 'disable-auto-complete-config'),
      repository: resolve(flagString(flags, 'model-repository')),
      gpus: parseGpus(flagString(flags, 'gpus')),
      discoveryMs: flagInt(flags, 'device-discovery-ms', 0, 60_000),
      rateLimit: rateLimitOptions(flags.get('rate-limit')?.at(-1) ?? 'off', flags.get('rate-limit-resource') ?? []),
    };
    const publish = publishOptions(flags);
    return {
      module: ModelRepositoryModule,
      imports: [ControlPlaneModule.forRoot(busOptionsFromFlags(flags, 'model-repository'))],
      controllers: [RepositoryController, FleetController],
      providers: [{ provide: REPOSITORY_OPTIONS, useValue: options }, { provide: PUBLISH_OPTIONS, useValue: publish }, FleetView, DeviceInventory, SlotWatch, SchedulerIdle, ModelPublisher, RepositoryService],
    };
  }
}

/** --publish-models with its bucket and replicas; naming a bucket or replicas while not publishing is refused. */
function publishOptions(flags: FlagValues): PublishOptions {
  const enabled = flagBool(flags, 'publish-models');
  const given = ['model-store-bucket', 'model-store-replicas'].filter((name) => flags.has(name));
  if (!enabled && given.length > 0) throw new FlagError(`--${given[0]} is only used with --publish-models=true`);
  const bucket = flags.get('model-store-bucket')?.at(-1) ?? DEFAULT_MODEL_STORE_BUCKET;
  if (!/^[A-Za-z0-9_-]+$/.test(bucket)) throw new FlagError(`--model-store-bucket may hold only letters, digits, '-' and '_', got '${bucket}'`);
  const replicas = flags.has('model-store-replicas') ? flagInt(flags, 'model-store-replicas', 1, 5) : 1;
  return { enabled, bucket, replicas };
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

/**
 * --model-control-mode, --load-model and --repository-poll-secs, checked together: a flag the
 * chosen mode would not use is refused rather than accepted and ignored.
 */
function controlOptions(flags: FlagValues) {
  try {
    const mode = parseModelControlMode(flagString(flags, 'model-control-mode'));
    const loadModels = flags.get('load-model') ?? [];
    startupModels(mode, loadModels, []); // the wildcard and mode rules, before anything starts
    const pollGiven = flags.has('repository-poll-secs');
    const pollSecs = pollGiven ? flagInt(flags, 'repository-poll-secs', 1, 86_400) : 15;
    if (mode !== 'poll' && pollGiven) throw new FlagError(`--repository-poll-secs is only used with --model-control-mode=poll (the mode is '${mode}')`);
    return { mode, loadModels, pollSecs };
  } catch (error) {
    if (error instanceof FlagError) throw error;
    throw new FlagError((error as Error).message);
  }
}
