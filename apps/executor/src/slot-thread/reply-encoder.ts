// The result frames a slot sends the gateway, for a lone request and for each request of a batch
// alike: outputs (in the frame, or in a shared-memory file when the inputs came that way), or an
// error that names the problem.
import { encodeFrame, FlotillaError, internal, RAISE_MAX_PAYLOAD, tooLarge, type ExecutionStamp, type ResultMeta, type Tensor, type TensorFileRef } from '@flotilla/contracts';
import { writeTensorFile } from '@flotilla/tensor-files';

export class ReplyEncoder {
  /** @param maxPayload the NATS server's max_payload: a larger reply would be refused by NATS. */
  constructor(private readonly maxPayload: number) {}

  /**
   * The request's outputs. Inputs that came through shared memory mean the gateway shares it, so
   * the outputs go back the same way, next to the input file. Throws a FlotillaError when the
   * reply cannot be sent (too large for NATS, or the output file cannot be written).
   */
  outputs(modelName: string, modelVersion: string, execution: ExecutionStamp, outputs: readonly Tensor[], inputsAt: TensorFileRef | undefined): Uint8Array {
    if (inputsAt) return encodeFrame<ResultMeta>({ modelName, modelVersion, execution, outputsAt: writeTensorFile(`${inputsAt.path}.out`, outputs) });
    return this.checkedSize(encodeFrame<ResultMeta>({ modelName, modelVersion, execution }, outputs));
  }

  error(modelName: string, modelVersion: string, failure: FlotillaError): Uint8Array {
    return encodeFrame<ResultMeta>({ modelName, modelVersion, error: failure.toWire() });
  }

  /** NATS would refuse a reply over max_payload; refuse it here, with the reason, instead. */
  private checkedSize(reply: Uint8Array): Uint8Array {
    if (reply.byteLength <= this.maxPayload) return reply;
    throw tooLarge(`response of ${reply.byteLength} bytes exceeds the NATS server's max_payload of ${this.maxPayload} bytes; request fewer or smaller outputs, or ${RAISE_MAX_PAYLOAD}`);
  }
}

/** Any failure as the FlotillaError its reply carries: the model's own errors keep their code. */
export function asFlotillaError(error: unknown): FlotillaError {
  return error instanceof FlotillaError ? error : internal(`execution failed: ${(error as Error)?.message ?? error}`);
}

/** Epoch milliseconds with sub-millisecond precision, as the execution stamp and spans use. */
export const epochNowMs = () => performance.timeOrigin + performance.now();
