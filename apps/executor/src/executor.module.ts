import { Module, type DynamicModule } from '@nestjs/common';
import { ControlPlaneModule, ModelRecords, RepositoryEventsController, SERVICE_READINESS } from '@flotilla/service-kit';
import { ExecutorReadiness } from './executor-readiness';
import { Announcer } from './announcer';
import { ExecutorController } from './executor.controller';
import { EXECUTOR_OPTIONS, executorOptions } from './executor.options';
import { ModelFiles } from './model-files';
import { ModelsFeed } from './models.feed';
import { SlotTable } from './slot-table';

@Module({})
export class ExecutorModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const options = executorOptions(argv);
    return {
      module: ExecutorModule,
      imports: [ControlPlaneModule.forRoot({ ...options.bus, name: `executor ${options.executorId}` })],
      // Payloads never reach these: each slot's thread takes its own from NATS (slot-thread/).
      controllers: [ExecutorController, RepositoryEventsController],
      providers: [{ provide: EXECUTOR_OPTIONS, useValue: options }, ModelRecords, ModelFiles, SlotTable, Announcer, ModelsFeed, { provide: SERVICE_READINESS, useClass: ExecutorReadiness }],
      // The health probe (runService's) reports the slots' loading and failures.
      exports: [SERVICE_READINESS],
    };
  }
}
