import { status } from '@grpc/grpc-js';
import { GrpcStatusError, INFERENCE_SERVICE, serializeResponse } from '@flotilla/kserve-grpc';

/**
 * Serialises an inference response and holds it to --grpc-max-send-message-bytes before it is
 * sent, so the refusal says which limit to raise (and, in a stream, ends only that request).
 */
export function serializeWithinLimit(method: 'ModelInfer' | 'ModelStreamInfer', message: object, limit: number): Buffer {
  const bytes = serializeResponse(INFERENCE_SERVICE, method, message);
  if (bytes.byteLength > limit) {
    throw new GrpcStatusError(
      status.RESOURCE_EXHAUSTED,
      `the response is ${bytes.byteLength} bytes, above the gateway's gRPC send limit of ${limit} bytes (--grpc-max-send-message-bytes)`,
    );
  }
  return bytes;
}
