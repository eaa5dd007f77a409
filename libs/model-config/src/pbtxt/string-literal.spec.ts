import fc from 'fast-check';
import { quoteString, readStringLiteral } from './string-literal';

describe('quoteString', () => {
  it('produces a literal that reads back as the same string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const literal = quoteString(value);
        expect(readStringLiteral(literal, 0)).toEqual({ value, end: literal.length });
      }),
      { numRuns: 300 },
    );
  });

  it('writes control characters as octal escapes and keeps other text readable', () => {
    expect(quoteString('tab\tnul\0del\x7f ü 😀')).toBe('"tab\\tnul\\000del\\177 ü 😀"');
  });
});

describe('readStringLiteral', () => {
  // A byte-order mark is an ordinary character inside a literal; a default TextDecoder drops a
  // leading one, which once turned `name: "\ufeff"` into an empty name (found by the property test).
  it('keeps a leading byte-order mark, written or escaped', () => {
    expect(readStringLiteral('"\ufeffm"', 0).value).toBe('\ufeffm');
    expect(readStringLiteral('"\\357\\273\\277m"', 0).value).toBe('\ufeffm');
  });
});
