// Tracing first: the SDK must exist before anything that makes spans is loaded.
import { startTelemetry } from '@flotilla/telemetry';
const telemetry = startTelemetry('flotilla-rate-limiter');

import { runService } from '@flotilla/service-kit';
import { RateLimiterModule } from './rate-limiter.module';

void runService({ name: 'rate-limiter', telemetry, module: (argv) => RateLimiterModule.fromArgv(argv) });
