import { Module, type DynamicModule } from '@nestjs/common';
import { parseRateLimitMode, type RateLimitMode } from '@flotilla/rate-limiting';
import { COMMON_FLAGS, ControlPlaneModule, FLEET_LIVENESS, FlagError, FleetController, FleetLivenessController, FleetView, flagString, parseFlags } from '@flotilla/service-kit';
import { RATE_LIMIT_MODE, RateLimiterController } from './rate-limiter.controller';

const FLAGS = [
  ...COMMON_FLAGS,
  { name: 'rate-limit', description: 'off | execution_count', default: 'off' },
];

@Module({})
export class RateLimiterModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const flags = parseFlags(argv, FLAGS);
    let mode: RateLimitMode;
    try {
      mode = parseRateLimitMode(flagString(flags, 'rate-limit'));
    } catch (error) {
      throw new FlagError((error as Error).message);
    }
    return {
      module: RateLimiterModule,
      imports: [ControlPlaneModule.forRoot({ servers: flagString(flags, 'nats-url'), name: 'rate-limiter' })],
      // With rate limiting off it only observes: membership is enough, and no beat wakes it.
      controllers: [RateLimiterController, FleetController, ...(mode === 'off' ? [] : [FleetLivenessController])],
      providers: [{ provide: RATE_LIMIT_MODE, useValue: mode }, { provide: FLEET_LIVENESS, useValue: mode !== 'off' }, FleetView],
    };
  }
}
