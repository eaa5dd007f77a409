// Tracing first: the SDK must exist before anything that makes spans is loaded.
import { startTelemetry } from '@flotilla/telemetry';
const telemetry = startTelemetry('flotilla-gateway');

import { runService } from '@flotilla/service-kit';
import { GatewayModule } from './gateway.module';

void runService({ name: 'gateway', telemetry, module: (argv) => GatewayModule.fromArgv(argv) });
