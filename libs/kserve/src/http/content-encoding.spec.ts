import { requestBodyEncoding } from './content-encoding';
import { HttpStatusError } from './http-status-error';

describe('requestBodyEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['identity', 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    [' GZip ', 'gzip'],
    ['deflate', 'deflate'],
    ['identity, gzip', 'gzip'],
  ] as const)('%s → %s', (header, expected) => {
    expect(requestBodyEncoding(header)).toBe(expected);
  });

  it.each(['x-unknown', 'br', 'compress', 'gzip, deflate'])('refuses %s with a 415 naming it', (header) => {
    let error: unknown;
    try {
      requestBodyEncoding(header);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(415);
    expect((error as Error).message).toContain(header);
  });
});
