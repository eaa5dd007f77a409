import { Module, type DynamicModule } from '@nestjs/common';
import { parseRateLimitMode, parseRateLimitResources, rateLimiterFor, type ExplicitResources, type RateLimitMode } from '@flotilla/rate-limiting';
import { busOptionsFromFlags, COMMON_FLAGS, ControlPlaneModule, FLEET_LIVENESS, FlagError, FleetController, FleetLivenessController, FleetView, flagString, parseFlags } from '@flotilla/service-kit';
import { GrantLoop } from './grant-loop';
import { InstanceRegistration, RATE_LIMITER } from './instance-registration';
import { RATE_LIMIT_MODE, RateLimiterController } from './rate-limiter.controller';

const FLAGS = [
  ...COMMON_FLAGS,
  { name: 'rate-limit', description: 'off | execution_count', default: 'off' },
  { name: 'rate-limit-resource', description: "<name>:<count>[:<device>], repeatable: a resource's count on one device, or on every device without one", repeatable: true },
];

@Module({})
export class RateLimiterModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const flags = parseFlags(argv, FLAGS);
    let mode: RateLimitMode;
    let explicitResources: ExplicitResources;
    try {
      mode = parseRateLimitMode(flagString(flags, 'rate-limit'));
      explicitResources = parseRateLimitResources(flags.get('rate-limit-resource') ?? []);
    } catch (error) {
      throw new FlagError((error as Error).message);
    }
    return {
      module: RateLimiterModule,
      imports: [ControlPlaneModule.forRoot(busOptionsFromFlags(flags, 'rate-limiter'))],
      // With rate limiting off it only observes: membership is enough, and no beat wakes it.
      controllers: [RateLimiterController, FleetController, ...(mode === 'off' ? [] : [FleetLivenessController])],
      providers: [
        { provide: RATE_LIMIT_MODE, useValue: mode },
        { provide: RATE_LIMITER, useValue: rateLimiterFor(mode, { explicitResources }) },
        { provide: FLEET_LIVENESS, useValue: mode !== 'off' },
        FleetView,
        InstanceRegistration,
        // The request path (rate limiting on): stage, grant, release on the raw client, not a controller.
        GrantLoop,
      ],
    };
  }
}
