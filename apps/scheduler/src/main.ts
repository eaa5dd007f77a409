// Tracing first: the SDK must exist before anything that makes spans is loaded.
import { startTelemetry } from '@flotilla/telemetry';
const telemetry = startTelemetry('flotilla-scheduler');

import { runService } from '@flotilla/service-kit';
import { SchedulerModule } from './scheduler.module';

void runService({ name: 'scheduler', telemetry, module: (argv) => SchedulerModule.fromArgv(argv) });
