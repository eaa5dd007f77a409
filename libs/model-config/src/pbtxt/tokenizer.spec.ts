import { tokenize } from './tokenizer';

describe('tokenize', () => {
  it('splits identifiers, numbers, strings and symbols, dropping whitespace and comments', () => {
    const tokens = tokenize('dims: [-1, 0x1F] # note\r\nname: "a"\tkind<KIND_CPU>', 'f');
    expect(tokens.map((token) => [token.kind, token.text])).toEqual([
      ['identifier', 'dims'],
      ['symbol', ':'],
      ['symbol', '['],
      ['symbol', '-'],
      ['number', '1'],
      ['symbol', ','],
      ['number', '0x1F'],
      ['symbol', ']'],
      ['identifier', 'name'],
      ['symbol', ':'],
      ['string', '"a"'],
      ['identifier', 'kind'],
      ['symbol', '<'],
      ['identifier', 'KIND_CPU'],
      ['symbol', '>'],
      ['eof', 'end of input'],
    ]);
  });

  it('records 1-based line and column of each token', () => {
    const tokens = tokenize('a {\n  b: 1\n}\n', 'f');
    expect(tokens.map(({ line, column }) => [line, column])).toEqual([
      [1, 1],
      [1, 3],
      [2, 3],
      [2, 4],
      [2, 6],
      [3, 1],
      [4, 1],
    ]);
  });

  it('decodes string tokens into their value', () => {
    const [token] = tokenize("'a\\'b'", 'f');
    expect(token).toMatchObject({ kind: 'string', text: "'a\\'b'", value: "a'b" });
  });

  it('reports the file in errors', () => {
    expect(() => tokenize('\n  $', 'models/m/config.pbtxt')).toThrow('models/m/config.pbtxt:2:3: unexpected character "$"');
  });
});
