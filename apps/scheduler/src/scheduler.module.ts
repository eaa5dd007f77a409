import { Module, type DynamicModule } from '@nestjs/common';
import { BusModule, COMMON_FLAGS, flagInt, flagString, parseFlags } from '@flotilla/service-kit';
import { FleetListener } from './fleet.listener';
import { InferHandler } from './infer.handler';
import { ModelsListener } from './models.listener';
import { SCHEDULER_OPTIONS, SchedulerState } from './scheduler.state';

const FLAGS = [
  ...COMMON_FLAGS,
  {
    name: 'instance-prefetch',
    description: 'payloads an instance slot may hold: 1 executing + the rest waiting at its executor (1 = no prefetch)',
    default: '2',
  },
];

@Module({})
export class SchedulerModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const flags = parseFlags(argv, FLAGS);
    return {
      module: SchedulerModule,
      imports: [BusModule.forRoot({ servers: flagString(flags, 'nats-url'), name: 'scheduler' })],
      providers: [{ provide: SCHEDULER_OPTIONS, useValue: { slotDepth: flagInt(flags, 'instance-prefetch', 1, 64) } }, SchedulerState, ModelsListener, FleetListener, InferHandler],
    };
  }
}
