import { GrpcTransport } from './grpc-transport';
import { HttpTransport } from './http-transport';
import type { InferTransport, TransportOptions } from './infer-transport';

export function openTransport(options: TransportOptions): InferTransport {
  if (options.protocol === 'grpc') return new GrpcTransport(options.url, options.requestTimeoutMs);
  return new HttpTransport(options.url, options.protocol, options.maxInFlight, options.requestTimeoutMs);
}
