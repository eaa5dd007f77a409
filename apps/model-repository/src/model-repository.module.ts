import { Module, type DynamicModule } from '@nestjs/common';
import { resolve } from 'node:path';
import { BusModule, COMMON_FLAGS, FlagError, flagString, parseFlags } from '@flotilla/service-kit';
import { REPOSITORY_OPTIONS, RepositoryService } from './repository.service';

const FLAGS = [
  ...COMMON_FLAGS,
  { name: 'model-repository', description: 'path of the model repository', default: 'examples/model_repository' },
  { name: 'model-control-mode', description: 'none (load everything at start)', default: 'none' },
];

@Module({})
export class ModelRepositoryModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const flags = parseFlags(argv, FLAGS);
    const mode = flagString(flags, 'model-control-mode');
    if (mode !== 'none') throw new FlagError(`--model-control-mode=${mode} is not supported yet; only 'none' is`);
    return {
      module: ModelRepositoryModule,
      imports: [BusModule.forRoot({ servers: flagString(flags, 'nats-url'), name: 'model-repository' })],
      providers: [{ provide: REPOSITORY_OPTIONS, useValue: { repository: resolve(flagString(flags, 'model-repository')) } }, RepositoryService],
    };
  }
}
