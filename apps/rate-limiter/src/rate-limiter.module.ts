import { Module, type DynamicModule } from '@nestjs/common';
import { parseRateLimitMode } from '@flotilla/rate-limiting';
import { BusModule, COMMON_FLAGS, FlagError, flagString, parseFlags } from '@flotilla/service-kit';
import { InstanceRegistryService, RATE_LIMIT_MODE } from './instance-registry.service';

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
      imports: [BusModule.forRoot({ servers: flagString(flags, 'nats-url'), name: 'rate-limiter' })],
      providers: [{ provide: RATE_LIMIT_MODE, useValue: mode }, InstanceRegistryService],
    };
  }
}
