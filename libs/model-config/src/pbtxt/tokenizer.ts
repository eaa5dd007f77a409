import { PbtxtParseError, type SourcePosition } from './parse-error';
import { readStringLiteral, StringLiteralError } from './string-literal';

/**
 * `text` is the token as written. A number's sign is not part of it: `-` is a symbol of its own, as
 * in protobuf's tokenizer, so that `- 5` and `-inf` parse too.
 */
export type Token = SourcePosition &
  (
    | { readonly kind: 'identifier' | 'number' | 'symbol' | 'eof'; readonly text: string }
    | { readonly kind: 'string'; readonly text: string; readonly value: string }
  );

const SYMBOLS = new Set(['{', '}', '<', '>', '[', ']', ':', ',', ';', '-']);
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const HEX_NUMBER = /0[xX][0-9a-fA-F]+/y;
/** Decimal integers and floats, with protobuf's optional `f` suffix on floats. */
const DECIMAL_NUMBER = /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fF]?/y;
/** What may not directly follow a number (`12abc`, `1.5.5`, `1e`). */
const NUMBER_TAIL = /[A-Za-z0-9_.]+/y;

/** Splits protobuf text format into tokens; whitespace and `#` comments are dropped. */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): SourcePosition => ({ line, column: offset - lineStart + 1 });

  while (offset < text.length) {
    const char = text[offset];
    if (char === '\n') {
      offset += 1;
      line += 1;
      lineStart = offset;
    } else if (/\s/.test(char)) {
      offset += 1;
    } else if (char === '#') {
      const newline = text.indexOf('\n', offset);
      offset = newline === -1 ? text.length : newline;
    } else if (char === '"' || char === "'") {
      const position = here();
      try {
        const { value, end } = readStringLiteral(text, offset);
        tokens.push({ ...position, kind: 'string', text: text.slice(offset, end), value });
        offset = end;
      } catch (error) {
        if (!(error instanceof StringLiteralError)) throw error;
        throw PbtxtParseError.at(file, { line, column: position.column + error.offset }, error.reason);
      }
    } else if (SYMBOLS.has(char)) {
      tokens.push({ ...here(), kind: 'symbol', text: char });
      offset += 1;
    } else {
      const position = here();
      const word = matchAt(IDENTIFIER, text, offset);
      if (word !== undefined) {
        tokens.push({ ...position, kind: 'identifier', text: word });
        offset += word.length;
        continue;
      }
      const number = matchAt(HEX_NUMBER, text, offset) ?? matchAt(DECIMAL_NUMBER, text, offset);
      if (number === undefined) throw PbtxtParseError.at(file, position, `unexpected character ${JSON.stringify(char)}`);
      const tail = matchAt(NUMBER_TAIL, text, offset + number.length);
      if (tail !== undefined) throw PbtxtParseError.at(file, position, `invalid number '${number}${tail}'`);
      tokens.push({ ...position, kind: 'number', text: number });
      offset += number.length;
    }
  }
  tokens.push({ ...here(), kind: 'eof', text: 'end of input' });
  return tokens;
}

function matchAt(pattern: RegExp, text: string, offset: number): string | undefined {
  pattern.lastIndex = offset;
  return pattern.exec(text)?.[0];
}
