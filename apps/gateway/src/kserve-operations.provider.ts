import type { Provider } from '@nestjs/common';
import { KserveOperations, TraceSampling, TraceSettingOperations } from '@flotilla/kserve';
import { tracesExported } from '@flotilla/telemetry';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { ModelCatalog } from './model-catalog';
import { TraceSettingsSync } from './trace-settings-sync';

/** The version ServerMetadata reports (`GET /v2`, gRPC ServerMetadata). */
const SERVER_VERSION = '0.1.0';

/** The protocol-neutral KServe operations, shared by the HTTP router and the gRPC service. */
export const KSERVE_OPERATIONS_PROVIDER: Provider = {
  provide: KserveOperations,
  inject: [ModelCatalog, GATEWAY_OPTIONS],
  useFactory: (catalog: ModelCatalog, options: GatewayOptions) => new KserveOperations(catalog, { strictReadiness: options.strictReadiness, serverVersion: SERVER_VERSION }),
};

/** Which requests are traced (Triton's trace settings): the gateway decides for every service. */
export const TRACE_SAMPLING_PROVIDER: Provider = {
  provide: TraceSampling,
  inject: [GATEWAY_OPTIONS],
  useFactory: (options: GatewayOptions) => new TraceSampling(options.traceSettings, tracesExported()),
};

/** Triton's trace extension, shared by the HTTP router and the gRPC service; a change reaches every gateway (TraceSettingsSync). */
export const TRACE_SETTING_OPERATIONS_PROVIDER: Provider = {
  provide: TraceSettingOperations,
  inject: [ModelCatalog, TraceSampling, TraceSettingsSync],
  useFactory: (catalog: ModelCatalog, sampling: TraceSampling, sync: TraceSettingsSync) => new TraceSettingOperations(catalog, sampling, (model, update) => sync.publish(model, update)),
};
