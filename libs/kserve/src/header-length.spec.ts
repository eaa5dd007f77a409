import { FlotillaError } from '@flotilla/contracts';
import { parseInferenceHeaderLength } from './header-length';

describe('parseInferenceHeaderLength', () => {
  it('parses plain integers and passes absence through', () => {
    expect(parseInferenceHeaderLength(undefined)).toBeUndefined();
    expect(parseInferenceHeaderLength('0')).toBe(0);
    expect(parseInferenceHeaderLength(' 123 ')).toBe(123);
  });

  it.each(['', '-1', '12abc', '1.5', '0x10', '1e3', '9999999999999999', ['1', '2']])('rejects %j', (value) => {
    expect(() => parseInferenceHeaderLength(value)).toThrow(FlotillaError);
    expect(() => parseInferenceHeaderLength(value)).toThrow(/Inference-Header-Content-Length must be a non-negative integer/);
  });
});
