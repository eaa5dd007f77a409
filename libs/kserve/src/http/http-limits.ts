import { HttpStatusError } from './http-status-error';

/**
 * The HTTP listener's limits. Each one is answered with its own status and a KServe error body
 * that names it, so a client can tell which knob it ran into.
 */
export interface HttpLimits {
  /** Request line plus headers, in bytes: Node's parser enforces it (`maxHeaderSize`); 431 past it. */
  readonly maxHeaderBytes: number;
  /** Header fields per request; 431 past it. Node would silently drop the surplus instead. */
  readonly maxHeaderCount: number;
  /** The request target (path and query), in bytes; 414 past it. */
  readonly maxUrlBytes: number;
  /** Request body, in bytes, both as sent and once inflated; 413 past it (`--http-max-body-bytes`). */
  readonly maxBodyBytes: number;
}

/** 64 MiB: the gRPC message default too, and far above the 4 MiB+ tensors the benchmarks send. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  // Node's own default; raising it costs memory per connection on every request.
  maxHeaderBytes: 16 * 1024,
  // Apache's LimitRequestFields default; real clients send a few dozen at most.
  maxHeaderCount: 100,
  maxUrlBytes: 8 * 1024,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
};

/**
 * Checks what Node's parser let through against the limits it does not enforce itself: the URL
 * length (its only URL limit is the header size) and the header count. `rawHeaders` holds names and
 * values alternately.
 */
export function checkRequestHead(url: string, rawHeaders: readonly string[], limits: HttpLimits): void {
  const urlBytes = Buffer.byteLength(url);
  if (urlBytes > limits.maxUrlBytes) {
    throw new HttpStatusError(414, `request URL of ${urlBytes} bytes exceeds the limit of ${limits.maxUrlBytes} bytes`);
  }
  const count = rawHeaders.length / 2;
  if (count > limits.maxHeaderCount) {
    throw new HttpStatusError(431, `request has more than ${limits.maxHeaderCount} header fields (the limit)`);
  }
}
