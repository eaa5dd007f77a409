import { PbtxtParseError } from './parse-error';
import type { Token } from './tokenizer';

/** Walks a token list for the parser and turns "not what I expected" into positioned errors. */
export class TokenCursor {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    readonly file: string,
  ) {}

  peek(): Token {
    return this.tokens[this.index];
  }

  next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'eof') this.index += 1;
    return token;
  }

  /** True when the next token is this symbol. */
  isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  /** Consumes the symbol if it is next. */
  accept(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.next();
    return true;
  }

  expect(symbol: string, context: string): Token {
    const token = this.next();
    if (token.kind !== 'symbol' || token.text !== symbol) throw this.error(token, `expected '${symbol}' ${context}, got ${describeToken(token)}`);
    return token;
  }

  error(token: Token, reason: string): PbtxtParseError {
    return PbtxtParseError.at(this.file, token, reason);
  }
}

/** A token as error messages show it. */
export function describeToken(token: Token): string {
  return token.kind === 'eof' ? 'end of input' : `'${token.text}'`;
}
