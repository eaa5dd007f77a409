import type { HttpLimits } from './http-limits';

export interface ClientErrorReply {
  readonly status: number;
  readonly message: string;
}

/**
 * The answer to a request Node's HTTP parser refused (its `clientError` event), from the parser's
 * error code and the packet it was reading. Node would answer a bare 400/431 with no body.
 */
export function clientErrorReply(error: { code?: string; message?: string; rawPacket?: Buffer }, limits: HttpLimits): ClientErrorReply {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      // The parser counts the request line as header bytes; a packet that starts a request and
      // holds no line end within the URL limit overflowed in the URL, which deserves a 414.
      return overflowInRequestLine(error.rawPacket, limits.maxUrlBytes)
        ? { status: 414, message: `request URL exceeds the limit of ${limits.maxUrlBytes} bytes` }
        : { status: 431, message: `request headers exceed the limit of ${limits.maxHeaderBytes} bytes` };
    case 'HPE_INVALID_METHOD': {
      const method = requestMethod(error.rawPacket);
      return { status: 405, message: method ? `HTTP method '${method}' is not supported` : 'HTTP method is not supported' };
    }
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'chunk extensions of the request body are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return { status: 408, message: 'request was not received in time' };
    default:
      return { status: 400, message: `malformed HTTP request: ${reason(error)}` };
  }
}

/**
 * A complete HTTP/1.1 response for writing straight to a socket, where no ServerResponse exists
 * (a request the parser refused, CONNECT). It closes the connection: what follows on the socket
 * cannot be trusted to start a new request.
 */
export function rawHttpResponse(status: number, message: string): string {
  const body = JSON.stringify({ error: message });
  return [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
};

const REQUEST_START = /^[A-Za-z]+ [^\r\n ]/;

function overflowInRequestLine(packet: Buffer | undefined, maxUrlBytes: number): boolean {
  if (!packet || !REQUEST_START.test(packet.subarray(0, 32).toString('latin1'))) return false;
  const lineEnd = packet.indexOf('\n');
  return lineEnd === -1 || lineEnd > maxUrlBytes;
}

function requestMethod(packet: Buffer | undefined): string | undefined {
  const match = /^([!-~]{1,32}) /.exec(packet?.subarray(0, 40).toString('latin1') ?? '');
  return match?.[1];
}

function reason(error: { code?: string; message?: string }): string {
  const text = (error.message ?? '').replace(/^Parse Error: /, '');
  return text || error.code || 'unknown error';
}
