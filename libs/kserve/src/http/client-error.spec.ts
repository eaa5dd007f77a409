import { clientErrorReply, rawHttpResponse } from './client-error';
import { checkRequestHead, DEFAULT_HTTP_LIMITS } from './http-limits';

const limits = DEFAULT_HTTP_LIMITS;

describe('clientErrorReply', () => {
  it('tells a URL that overflowed the header limit (414) from headers that did (431)', () => {
    const longUrl = Buffer.from(`GET /${'a'.repeat(60_000)}`);
    expect(clientErrorReply({ code: 'HPE_HEADER_OVERFLOW', rawPacket: longUrl }, limits).status).toBe(414);
    const longHeader = Buffer.from(`GET /v2 HTTP/1.1\r\nX-Big: ${'a'.repeat(60_000)}`);
    expect(clientErrorReply({ code: 'HPE_HEADER_OVERFLOW', rawPacket: longHeader }, limits)).toEqual({
      status: 431,
      message: `request headers exceed the limit of ${limits.maxHeaderBytes} bytes`,
    });
    // A later packet of a long header: no request line in sight.
    expect(clientErrorReply({ code: 'HPE_HEADER_OVERFLOW', rawPacket: Buffer.from('aaaa') }, limits).status).toBe(431);
  });

  it('names an unknown method in a 405', () => {
    expect(clientErrorReply({ code: 'HPE_INVALID_METHOD', rawPacket: Buffer.from('BREW /pot HTTP/1.1\r\n') }, limits)).toEqual({
      status: 405,
      message: "HTTP method 'BREW' is not supported",
    });
  });

  it('answers anything else malformed with a 400 that keeps the parser reason', () => {
    expect(clientErrorReply({ code: 'HPE_INVALID_VERSION', message: 'Parse Error: Invalid HTTP version' }, limits)).toEqual({
      status: 400,
      message: 'malformed HTTP request: Invalid HTTP version',
    });
  });
});

describe('rawHttpResponse', () => {
  it('is a complete response with a JSON body and an exact length', () => {
    const text = rawHttpResponse(431, 'too many ✓');
    const [head, body] = text.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(head).toContain('Connection: close');
    expect(JSON.parse(body)).toEqual({ error: 'too many ✓' });
  });
});

describe('checkRequestHead', () => {
  it('refuses a long URL with 414 and too many headers with 431', () => {
    expect(() => checkRequestHead('/'.padEnd(limits.maxUrlBytes, 'a'), [], limits)).not.toThrow();
    expect(() => checkRequestHead('/'.padEnd(limits.maxUrlBytes + 1, 'a'), [], limits)).toThrow(expect.objectContaining({ status: 414 }));
    const headers = (n: number) => Array.from({ length: n }, (_, i) => [`x-${i}`, 'v']).flat();
    expect(() => checkRequestHead('/', headers(limits.maxHeaderCount), limits)).not.toThrow();
    expect(() => checkRequestHead('/', headers(limits.maxHeaderCount + 1), limits)).toThrow(expect.objectContaining({ status: 431 }));
  });
});
