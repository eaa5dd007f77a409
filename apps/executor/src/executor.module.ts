import { Module, type DynamicModule } from '@nestjs/common';
import { BusModule } from '@flotilla/service-kit';
import { EXECUTOR_OPTIONS, executorOptions } from './executor.options';
import { Heartbeat } from './heartbeat';
import { ModelsFeed } from './models.feed';
import { SlotTable } from './slot-table';

@Module({})
export class ExecutorModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const options = executorOptions(argv);
    return {
      module: ExecutorModule,
      imports: [BusModule.forRoot({ servers: options.natsUrl, name: `executor ${options.executorId}` })],
      providers: [{ provide: EXECUTOR_OPTIONS, useValue: options }, SlotTable, Heartbeat, ModelsFeed],
    };
  }
}
