/**
 * Protobuf text-format string literals: C-style escapes, decoded to bytes and then read as UTF-8,
 * because `\xHH` and octal escapes name bytes, not characters.
 */

/** A problem inside a literal, `offset` counted from the opening quote. */
export class StringLiteralError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
  '?': 0x3f,
  "'": 0x27,
  '"': 0x22,
};

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads the literal whose opening quote is at `text[start]`; returns its value and the offset just
 * past the closing quote. Literals may not span lines, as in protobuf's own tokenizer.
 */
export function readStringLiteral(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  const bytes: number[] = [];
  let i = start + 1;
  for (;;) {
    const char = text[i];
    if (char === undefined || char === '\n') throw new StringLiteralError(0, 'unterminated string literal');
    if (char === quote) break;
    if (char !== '\\') {
      const codePoint = text.codePointAt(i) as number;
      const width = codePoint > 0xffff ? 2 : 1;
      bytes.push(...utf8.encode(text.slice(i, i + width)));
      i += width;
      continue;
    }
    i = readEscape(text, i, start, bytes);
  }
  try {
    return { value: strictUtf8.decode(new Uint8Array(bytes)), end: i + 1 };
  } catch {
    throw new StringLiteralError(0, 'string literal is not valid UTF-8');
  }
}

/** Decodes the escape whose backslash is at `text[at]` into `bytes`; returns the offset after it. */
function readEscape(text: string, at: number, literalStart: number, bytes: number[]): number {
  const error = (reason: string) => new StringLiteralError(at - literalStart, reason);
  const kind = text[at + 1] ?? '';
  if (Object.hasOwn(SIMPLE_ESCAPES, kind)) {
    bytes.push(SIMPLE_ESCAPES[kind]);
    return at + 2;
  }
  const octal = /^[0-7]{1,3}/.exec(text.slice(at + 1, at + 4));
  if (octal) {
    const value = parseInt(octal[0], 8);
    if (value > 0xff) throw error(`octal escape '\\${octal[0]}' is larger than one byte`);
    bytes.push(value);
    return at + 1 + octal[0].length;
  }
  if (kind === 'x' || kind === 'X') {
    const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(at + 2, at + 4));
    if (!hex) throw error("'\\x' must be followed by hex digits");
    bytes.push(parseInt(hex[0], 16));
    return at + 2 + hex[0].length;
  }
  if (kind === 'u' || kind === 'U') {
    const { codePoint, end } = readUnicodeEscape(text, at, kind === 'u' ? 4 : 8, error);
    bytes.push(...utf8.encode(String.fromCodePoint(codePoint)));
    return end;
  }
  throw error(`invalid escape sequence '\\${kind}'`);
}

/** `\uXXXX` (a UTF-16 surrogate pair may be written as two of them) or `\UXXXXXXXX`. */
function readUnicodeEscape(
  text: string,
  at: number,
  digits: number,
  error: (reason: string) => StringLiteralError,
): { codePoint: number; end: number } {
  const readHex = (from: number): number => {
    const hex = text.slice(from, from + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) throw error(`'\\${text[at + 1]}' must be followed by ${digits} hex digits`);
    return parseInt(hex, 16);
  };
  let codePoint = readHex(at + 2);
  let end = at + 2 + digits;
  const isHighSurrogate = codePoint >= 0xd800 && codePoint <= 0xdbff;
  if (digits === 4 && isHighSurrogate && text.slice(end, end + 2) === '\\u') {
    const low = readHex(end + 2);
    if (low >= 0xdc00 && low <= 0xdfff) {
      codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (low - 0xdc00);
      end += 6;
    }
  }
  if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) throw error('unicode escape is not a valid code point');
  return { codePoint, end };
}

/** Writes `value` as a double-quoted literal that readStringLiteral turns back into `value`. */
export function quoteString(value: string): string {
  let body = '';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (char === '"' || char === '\\') body += `\\${char}`;
    else if (char === '\n') body += '\\n';
    else if (char === '\r') body += '\\r';
    else if (char === '\t') body += '\\t';
    else if (code < 0x20 || code === 0x7f) body += `\\${code.toString(8).padStart(3, '0')}`;
    else body += char;
  }
  return `"${body}"`;
}
