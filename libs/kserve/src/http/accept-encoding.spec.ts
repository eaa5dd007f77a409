import { responseEncoding } from './accept-encoding';

describe('responseEncoding', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['gzip, deflate, br', 'gzip'],
    ['deflate, gzip', 'gzip'],
    ['gzip;q=0.5, deflate', 'deflate'],
    ['gzip;q=0, deflate;q=0.1', 'deflate'],
    ['gzip;q=0', undefined],
    ['gzip; q=0.000', undefined],
    ['br', undefined],
    ['identity', undefined],
    ['*', 'gzip'],
    ['*;q=0', undefined],
    ['gzip;q=0, *', 'deflate'],
    ['gzip;q=0.4, identity;q=0.9', undefined],
    ['gzip;q=nonsense', undefined],
  ] as const)('%s → %s', (header, expected) => {
    expect(responseEncoding(header)).toBe(expected);
  });

  it('reads a header given more than once', () => {
    expect(responseEncoding(['br', 'deflate'])).toBe('deflate');
  });
});
