import type { Provider } from '@nestjs/common';
import { KserveOperations } from '@flotilla/kserve';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { ModelCatalog } from './model-catalog';

/** The version ServerMetadata reports (`GET /v2`, gRPC ServerMetadata). */
const SERVER_VERSION = '0.1.0';

/** The protocol-neutral KServe operations, shared by the HTTP router and the gRPC service. */
export const KSERVE_OPERATIONS_PROVIDER: Provider = {
  provide: KserveOperations,
  inject: [ModelCatalog, GATEWAY_OPTIONS],
  useFactory: (catalog: ModelCatalog, options: GatewayOptions) => new KserveOperations(catalog, { strictReadiness: options.strictReadiness, serverVersion: SERVER_VERSION }),
};
