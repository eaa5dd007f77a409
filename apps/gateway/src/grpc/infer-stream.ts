import type { ServerDuplexStream } from '@grpc/grpc-js';
import { streamErrorResponse, type ModelInferRequestMessage, type ModelInferResponseMessage } from '@flotilla/kserve';
import { INFERENCE_SERVICE, MalformedMessage, serializeResponse } from '@flotilla/kserve-grpc';
import { serializeWithinLimit } from './response-size';

/**
 * Requests of one stream being answered at once, at most; past this the stream stops reading until
 * answers go out, so a client that never waits cannot queue unbounded work through one stream.
 */
const MAX_IN_FLIGHT = 256;

type Infer = (request: ModelInferRequestMessage) => Promise<ModelInferResponseMessage>;

/**
 * One ModelStreamInfer call. Requests run concurrently and each answer is written as soon as it is
 * ready, so responses may come out of order; each carries its request's id. A request that fails —
 * malformed, refused, failed in the fleet, too large to send — is answered with `error_message`
 * and ends alone: the stream goes on. The stream ends once the client has half-closed and every
 * request it sent is answered.
 */
export class InferStream {
  private inFlight = 0;
  private clientDone = false;

  constructor(
    private readonly call: ServerDuplexStream<object, Buffer>,
    private readonly infer: Infer,
    private readonly maxSendBytes: number,
  ) {}

  start(): void {
    this.call.on('data', (request: ModelInferRequestMessage | MalformedMessage) => this.accept(request));
    this.call.on('end', () => {
      this.clientDone = true;
      this.endIfDone();
    });
    // A cancelled call or a broken connection: answers still in flight are dropped by write().
    this.call.on('error', () => undefined);
  }

  private accept(request: ModelInferRequestMessage | MalformedMessage): void {
    if (++this.inFlight === MAX_IN_FLIGHT) this.call.pause();
    void this.answer(request).then((bytes) => {
      if (!this.call.cancelled && !this.call.writableEnded) this.call.write(bytes);
      if (this.inFlight-- === MAX_IN_FLIGHT) this.call.resume();
      this.endIfDone();
    });
  }

  /** The answer's bytes; never rejects. */
  private async answer(request: ModelInferRequestMessage | MalformedMessage): Promise<Buffer> {
    if (request instanceof MalformedMessage) return this.failure(request.problem, { id: '', model_name: '', model_version: '' });
    try {
      const response = await this.infer(request);
      return serializeWithinLimit('ModelStreamInfer', { error_message: '', infer_response: response }, this.maxSendBytes);
    } catch (error) {
      return this.failure(error instanceof Error ? error.message : String(error), request);
    }
  }

  /** Error answers are a few hundred bytes: never held to the send limit, so they always go out. */
  private failure(message: string, request: { id: string; model_name: string; model_version: string }): Buffer {
    return serializeResponse(INFERENCE_SERVICE, 'ModelStreamInfer', streamErrorResponse(message, request));
  }

  private endIfDone(): void {
    if (this.clientDone && this.inFlight === 0 && !this.call.writableEnded) this.call.end();
  }
}
