// Tracing first: the SDK must exist before anything that makes spans is loaded.
import { startTelemetry } from '@flotilla/telemetry';
const telemetry = startTelemetry('flotilla-model-repository');

import { runService } from '@flotilla/service-kit';
import { ModelRepositoryModule } from './model-repository.module';

void runService({ name: 'model-repository', telemetry, module: (argv) => ModelRepositoryModule.fromArgv(argv) });
