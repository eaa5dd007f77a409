// Tracing first: the SDK must exist before anything that makes spans is loaded.
import { startTelemetry } from '@flotilla/telemetry';
const telemetry = startTelemetry('flotilla-executor');

import { runService } from '@flotilla/service-kit';
import { ExecutorModule } from './executor.module';

void runService({ name: 'executor', telemetry, module: (argv) => ExecutorModule.fromArgv(argv) });
