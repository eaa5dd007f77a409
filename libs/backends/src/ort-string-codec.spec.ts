import fc from 'fast-check';
import { bytesToOrtString, ortStringToBytes } from './ort-string-codec';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('BYTES elements as ONNX Runtime strings', () => {
  it('returns any byte sequence unchanged through the round trip (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (element) => {
        expect(ortStringToBytes(bytesToOrtString(element))).toEqual(Buffer.from(element));
      }),
      { numRuns: 2000 },
    );
  });

  it('hands UTF-8 text without NUL to the model as exactly its bytes (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 32 }).map((text) => text.replaceAll('\0', '')), (text) => {
        const element = Buffer.from(text, 'utf8');
        expect(Buffer.from(bytesToOrtString(element), 'utf8')).toEqual(element);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a leading byte-order mark and the empty element', () => {
    expect(bytesToOrtString(bytes(0xef, 0xbb, 0xbf, 0x41))).toBe('\ufeffA');
    expect(bytesToOrtString(bytes())).toBe('');
  });

  it('escapes NUL, where onnxruntime-node would cut the string short', () => {
    expect(bytesToOrtString(bytes(0, 0x41, 0))).toBe(String.fromCodePoint(0x10ff00, 0x41, 0x10ff00));
    expect(ortStringToBytes(bytesToOrtString(bytes(0, 0x41, 0)))).toEqual(Buffer.from([0, 0x41, 0]));
  });

  it('stands each byte that is not UTF-8 for one character of U+10FF00..U+10FFFF', () => {
    expect(bytesToOrtString(bytes(0x41, 0xff, 0x42))).toBe(`A${String.fromCodePoint(0x10ffff)}B`);
    // A truncated sequence, a surrogate and an overlong form are not UTF-8 either.
    expect(bytesToOrtString(bytes(0xe2, 0x82))).toBe(String.fromCodePoint(0x10ffe2, 0x10ff82));
    expect([...bytesToOrtString(bytes(0xed, 0xa0, 0x80))].map((c) => c.codePointAt(0)!.toString(16))).toEqual(['10ffed', '10ffa0', '10ff80']);
    expect([...bytesToOrtString(bytes(0xc0, 0x80))].map((c) => c.codePointAt(0)!.toString(16))).toEqual(['10ffc0', '10ff80']);
  });

  it('escapes text that spells a code point of the escape range, so that it comes back as it was', () => {
    const spelled = Buffer.from(String.fromCodePoint(0x10ff41), 'utf8');
    expect([...bytesToOrtString(spelled)].length).toBe(4);
    expect(ortStringToBytes(bytesToOrtString(spelled))).toEqual(spelled);
  });
});
