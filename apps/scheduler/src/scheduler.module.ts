import { Module, type DynamicModule } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { parseRateLimitMode } from '@flotilla/rate-limiting';
import {
  busOptionsFromFlags,
  COMMON_FLAGS,
  ControlPlaneModule,
  FLEET_LIVENESS,
  FleetController,
  FleetLivenessController,
  FleetView,
  FlagError,
  flagInt,
  flagString,
  ModelRecords,
  parseFlags,
  RepositoryEventsController,
} from '@flotilla/service-kit';
import { FleetListener } from './fleet.listener';
import { InferIngress } from './infer.ingress';
import { ModelsListener } from './models.listener';
import { SchedulerController } from './scheduler.controller';
import { SchedulerHeartbeat } from './scheduler-heartbeat';
import { SCHEDULER_OPTIONS, SchedulerState, type SchedulerServiceOptions } from './scheduler.state';
import { StatisticsReader } from './statistics-reader';

const FLAGS = [
  ...COMMON_FLAGS,
  {
    name: 'instance-prefetch',
    description:
      'payloads an instance slot may hold: 1 executing + the rest waiting at its executor (1 = no prefetch; with --rate-limit execution_count, only for model versions none of whose instances need resources)',
    default: '2',
  },
  { name: 'rate-limit', description: 'off | execution_count: with execution_count, slots run payloads only when the rate limiter grants them', default: 'off' },
];

@Module({})
export class SchedulerModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const flags = parseFlags(argv, FLAGS);
    let rateLimited: boolean;
    try {
      rateLimited = parseRateLimitMode(flagString(flags, 'rate-limit')) !== 'off';
    } catch (error) {
      throw new FlagError((error as Error).message);
    }
    // With rate limiting on it still applies to versions whose instances need no resources (they
    // never wait for grants); a rate-limited instance holds resources only while it executes, so
    // nothing is prefetched onto it.
    const slotDepth = flagInt(flags, 'instance-prefetch', 1, 64);
    const options: SchedulerServiceOptions = { slotDepth, rateLimited, schedulerId: randomBytes(4).toString('hex') };
    return {
      module: SchedulerModule,
      imports: [ControlPlaneModule.forRoot(busOptionsFromFlags(flags, 'scheduler'))],
      controllers: [SchedulerController, FleetController, FleetLivenessController, RepositoryEventsController],
      providers: [
        { provide: SCHEDULER_OPTIONS, useValue: options },
        // The scheduler fails the payloads of an executor that dies: it hears beats.
        { provide: FLEET_LIVENESS, useValue: true },
        FleetView,
        ModelRecords,
        SchedulerState,
        StatisticsReader,
        SchedulerHeartbeat,
        ModelsListener,
        FleetListener,
        // The hot path: binary frames on the raw NATS client, not a controller.
        InferIngress,
      ],
    };
  }
}
