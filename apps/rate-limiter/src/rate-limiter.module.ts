import { Module, type DynamicModule } from '@nestjs/common';
import { parseRateLimitMode } from '@flotilla/rate-limiting';
import { COMMON_FLAGS, ControlPlaneModule, FlagError, FleetController, FleetView, flagString, parseFlags } from '@flotilla/service-kit';
import { RATE_LIMIT_MODE, RateLimiterController } from './rate-limiter.controller';

const FLAGS = [
  ...COMMON_FLAGS,
  { name: 'rate-limit', description: 'off | execution_count', default: 'off' },
];

@Module({})
export class RateLimiterModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const flags = parseFlags(argv, FLAGS);
    let mode;
    try {
      mode = parseRateLimitMode(flagString(flags, 'rate-limit'));
    } catch (error) {
      throw new FlagError((error as Error).message);
    }
    return {
      module: RateLimiterModule,
      imports: [ControlPlaneModule.forRoot({ servers: flagString(flags, 'nats-url'), name: 'rate-limiter' })],
      controllers: [RateLimiterController, FleetController],
      providers: [{ provide: RATE_LIMIT_MODE, useValue: mode }, FleetView],
    };
  }
}
