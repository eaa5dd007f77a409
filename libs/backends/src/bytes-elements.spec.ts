import { decodeBytesElements, encodeBytesElements } from './bytes-elements';

describe('BYTES elements', () => {
  it('encodes each element as a 4-byte little-endian length and its UTF-8 bytes', () => {
    expect(Array.from(encodeBytesElements(['ab', '', 'é']))).toEqual([2, 0, 0, 0, 97, 98, 0, 0, 0, 0, 2, 0, 0, 0, 0xc3, 0xa9]);
  });

  it('decodes what it encodes, also from a view at an offset', () => {
    const strings = ['hello', '', 'wörld', 'x'.repeat(300)];
    const encoded = encodeBytesElements(strings);
    const padded = new Uint8Array(encoded.byteLength + 3);
    padded.set(encoded, 3);
    expect(decodeBytesElements(padded.subarray(3), strings.length, 't').map((element) => element.toString('utf8'))).toEqual(strings);
  });

  it('hands back exactly the bytes of each element, text or not', () => {
    const elements = [Uint8Array.of(0xff, 0x00, 0xfe), Uint8Array.of(), Uint8Array.of(0xef, 0xbb, 0xbf)];
    expect(decodeBytesElements(encodeBytesElements(elements), 3, 't').map((element) => [...element])).toEqual(elements.map((element) => [...element]));
  });

  it('rejects data that ends inside an element or runs past the element count', () => {
    const encoded = encodeBytesElements(['abc', 'de']);
    expect(() => decodeBytesElements(encoded.subarray(0, encoded.byteLength - 1), 2, 'T')).toThrow(/BYTES tensor 'T': data ends inside element 1 of 2/);
    expect(() => decodeBytesElements(encoded, 1, 'T')).toThrow(/6 byte\(s\) left over after 1 element/);
  });
});
