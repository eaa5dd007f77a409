// What an ONNX string tensor holds for a BYTES element. onnxruntime-node takes and gives string
// tensors as JavaScript strings, which it converts to and from UTF-8 at the native boundary: bytes
// that are not UTF-8 could not cross it (V8 would turn each bad byte into U+FFFD, and a lone
// surrogate becomes one on the way in). So elements cross as strings under a reversible rule:
//
// - every byte that is part of a well-formed UTF-8 sequence is passed as the character it encodes,
//   so a model sees exactly the element's bytes whenever the element is UTF-8 text;
// - every other byte b becomes the character U+10FF00 + b (the last 256 code points of
//   Supplementary Private Use Area-B, which ONNX Runtime holds as the 4 UTF-8 bytes F4 8F BC–BF xx);
//   so does NUL (onnxruntime-node ends a string at its first NUL, both ways), and so do the bytes
//   of a well-formed sequence that encodes a code point in that range itself, which keeps the rule
//   reversible for every byte sequence;
// - on the way back, every character in U+10FF00..U+10FFFF turns into the single byte it stands
//   for, and everything else is written as UTF-8.
//
// An identity model thus returns any byte sequence unchanged; docs/bytes.md says the same for users.
import { isUtf8 } from 'node:buffer';

const ESCAPE_BASE = 0x10ff00;
/** UTF-16 high surrogate of every code point in U+10FC00..U+10FFFF: a cheap test for "no escapes here". */
const ESCAPE_HIGH_SURROGATE = '\udbff';

/** The string ONNX Runtime is given for one BYTES element. */
export function bytesToOrtString(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The common case, text: one native validation and one native decode.
  if (buffer.indexOf(0) === -1 && isUtf8(buffer) && !hasEscapeRangeSequence(buffer)) return buffer.toString('utf8');
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const sequence = wellFormedSequenceAt(bytes, i);
    if (sequence !== undefined && sequence.codePoint !== 0 && sequence.codePoint < ESCAPE_BASE) {
      text += String.fromCodePoint(sequence.codePoint);
      i += sequence.length;
    } else {
      text += String.fromCodePoint(ESCAPE_BASE + bytes[i]);
      i += 1;
    }
  }
  return text;
}

/** The BYTES element for a string ONNX Runtime returned. */
export function ortStringToBytes(text: string): Uint8Array {
  if (!text.includes(ESCAPE_HIGH_SURROGATE)) return Buffer.from(text, 'utf8');
  const parts: number[] = [];
  for (const char of text) {
    const codePoint = char.codePointAt(0) as number;
    if (codePoint >= ESCAPE_BASE) parts.push(codePoint - ESCAPE_BASE);
    else for (const byte of Buffer.from(char, 'utf8')) parts.push(byte);
  }
  return Buffer.from(parts);
}

/** F4 8F BC..BF: the lead of a UTF-8 encoded code point in U+10FF00..U+10FFFF. */
function hasEscapeRangeSequence(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0xf4); i !== -1 && i + 2 < bytes.length; i = bytes.indexOf(0xf4, i + 1)) {
    if (bytes[i + 1] === 0x8f && bytes[i + 2] >= 0xbc) return true;
  }
  return false;
}

/**
 * The code point of the well-formed UTF-8 sequence starting at `i` (Unicode's Table 3-7: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or undefined when none starts there.
 */
function wellFormedSequenceAt(bytes: Uint8Array, i: number): { codePoint: number; length: number } | undefined {
  const b0 = bytes[i];
  if (b0 < 0x80) return { codePoint: b0, length: 1 };
  const continuation = (k: number, low = 0x80, high = 0xbf) => i + k < bytes.length && bytes[i + k] >= low && bytes[i + k] <= high;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    return continuation(1) ? { codePoint: ((b0 & 0x1f) << 6) | (bytes[i + 1] & 0x3f), length: 2 } : undefined;
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [low, high] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    if (!continuation(1, low, high) || !continuation(2)) return undefined;
    return { codePoint: ((b0 & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f), length: 3 };
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [low, high] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (!continuation(1, low, high) || !continuation(2) || !continuation(3)) return undefined;
    return { codePoint: ((b0 & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f), length: 4 };
  }
  return undefined;
}
