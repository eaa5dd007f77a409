import { FlotillaError } from '@flotilla/contracts';

/** Where in a text file something is; line and column are 1-based, columns count UTF-16 units. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A malformed or schema-violating protobuf text file. INVALID_ARG because the user's config is at
 * fault; the message leads with `file:line:column:` like a compiler so editors can jump to it.
 */
export class PbtxtParseError extends FlotillaError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** The problem without its location. */
    readonly reason: string,
  ) {
    super('INVALID_ARG', `${file}:${line}:${column}: ${reason}`);
    this.name = 'PbtxtParseError';
  }

  static at(file: string, position: SourcePosition, reason: string): PbtxtParseError {
    return new PbtxtParseError(file, position.line, position.column, reason);
  }
}
