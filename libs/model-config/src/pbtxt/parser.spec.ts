import fc from 'fast-check';
import { withDefaults } from './defaults';
import { PbtxtParseError } from './parse-error';
import { parseText } from './parser';
import { renderText } from './render';
import { enumOf, mapOf, messageOf, oneofMember, repeated, scalar, type MessageSchema } from './schema';
import { messageArbitrary } from './testing/message-arbitrary';

// A schema exercising every construct the parser supports, independent of ModelConfig.
const inner: MessageSchema = { name: 'Inner', fields: { label: scalar('string'), flags: repeated(scalar('bool')) } };
const sample: MessageSchema = {
  name: 'Sample',
  fields: {
    text: scalar('string'),
    flag: scalar('bool'),
    i32: scalar('int32'),
    u32: scalar('uint32'),
    i64: scalar('int64'),
    u64: scalar('uint64'),
    f32: scalar('float'),
    f64: scalar('double'),
    color: enumOf({ name: 'Color', values: ['RED', 'GREEN', 'BLUE'] }),
    dims: repeated(scalar('int64')),
    names: repeated(scalar('string')),
    child: messageOf(inner),
    children: repeated(messageOf(inner)),
    by_name: mapOf('string', messageOf(inner)),
    by_level: mapOf('uint64', scalar('string')),
    first: oneofMember('choice', messageOf(inner)),
    second: oneofMember('choice', messageOf(inner)),
  },
  unsupported: ['legacy'],
};

const parse = (text: string) => parseText(text, sample, 'test.pbtxt');

function parseError(text: string): PbtxtParseError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof PbtxtParseError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe('parseText', () => {
  it('returns only the fields the text sets', () => {
    expect(parse('')).toEqual({});
    expect(parse('text: "a" i32: 5')).toEqual({ text: 'a', i32: 5 });
  });

  it('skips comments and accepts , or ; after a field', () => {
    expect(parse('# heading\ni32: 1, # trailing\nu32: 2; text: "x#y"')).toEqual({ i32: 1, u32: 2, text: 'x#y' });
  });

  it('reads repeated scalars in list syntax, repeated syntax, or both', () => {
    expect(parse('dims: [1, 2] dims: 3 dims: []')).toEqual({ dims: [1, 2, 3] });
    expect(parse('names: ["a", \'b\']')).toEqual({ names: ['a', 'b'] });
  });

  it('reads messages with {} or <>, with or without a colon, and lists of them', () => {
    expect(parse('child { label: "a" } children < label: "b" > children: { label: "c" } children: [{label: "d"}, <label: "e">]')).toEqual({
      child: { label: 'a' },
      children: [{ label: 'b' }, { label: 'c' }, { label: 'd' }, { label: 'e' }],
    });
  });

  it('reads map entries keyed by string or number, later duplicates winning', () => {
    const text = 'by_name { key: "x" value: { label: "1" } } by_name { key: "x" value { label: "2" } } by_level [{ key: 2 value: "two" }, { key: 0x1 }]';
    expect(parse(text)).toEqual({ by_name: { x: { label: '2' } }, by_level: { '2': 'two', '1': '' } });
  });

  it('keeps a map key named __proto__ as an ordinary key', () => {
    const parsed = parse('by_level { key: 1 value: "a" } by_name { key: "__proto__" value {} }');
    expect(Object.getPrototypeOf(parsed.by_name)).toBe(Object.prototype);
    expect(Object.keys(parsed.by_name as object)).toEqual(['__proto__']);
  });

  it.each([
    ['"a\\nb\\tc"', 'a\nb\tc'],
    ["'it\\'s' \"\\\"q\\\"\"", 'it\'s"q"'],
    ['"\\\\"', '\\'],
    ['"\\x41\\101\\7"', 'AA\x07'],
    ['"\\303\\251"', 'é'],
    ['"\\u00e9\\U0001F600\\ud83d\\ude00"', 'é😀😀'],
    ['"ab" \'cd\'\n "ef"', 'abcdef'],
    ['"日本"', '日本'],
  ])('decodes the string %s', (literal, value) => {
    expect(parse(`text: ${literal}`)).toEqual({ text: value });
  });

  it.each([
    ['i32: -42', -42],
    ['i32: 0x1F', 31],
    ['i32: 017', 15],
    ['i32: - 7', -7],
    ['i32: 2147483647', 2147483647],
    ['i32: -2147483648', -2147483648],
    ['u32: 4294967295', 4294967295],
    ['i64: -9007199254740991', -9007199254740991],
    ['u64: 9007199254740991', 9007199254740991],
  ])('reads the integer in %s', (text, value) => {
    expect(Object.values(parse(text))).toEqual([value]);
  });

  it.each([
    ['f32: 1.5', 1.5],
    ['f32: -2.5e3', -2500],
    ['f32: .5f', 0.5],
    ['f64: 3', 3],
    ['f64: 0x10', 16],
    ['f64: inf', Infinity],
    ['f64: -Infinity', -Infinity],
    ['f64: NaN', NaN],
    ['f64: 1e+21', 1e21],
  ])('reads the float in %s', (text, value) => {
    expect(Object.values(parse(text))).toEqual([value]);
  });

  it.each([
    ['true', true],
    ['True', true],
    ['t', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['f', false],
    ['0', false],
  ])('reads the boolean %s', (word, value) => {
    expect(parse(`flag: ${word}`)).toEqual({ flag: value });
  });

  it('reads enums by name or by number', () => {
    expect(parse('color: BLUE')).toEqual({ color: 'BLUE' });
    expect(parse('color: 1')).toEqual({ color: 'GREEN' });
  });

  describe('errors carry file, line, column and a reason', () => {
    it('for an unknown field', () => {
      const error = parseError('text: "a"\n\n  bogus: 1');
      expect(error).toMatchObject({ file: 'test.pbtxt', line: 3, column: 3, code: 'INVALID_ARG', reason: "unknown field 'bogus' in Sample" });
      expect(error.message).toBe("test.pbtxt:3:3: unknown field 'bogus' in Sample");
    });

    it.each([
      ['legacy: 1', 1, 1, "field 'legacy' in Sample is not supported by this server"],
      ['child { nope: 1 }', 1, 9, "unknown field 'nope' in Inner"],
      ['text: 5', 1, 7, "expected a string for field 'text' in Sample, got '5'"],
      ['text: abc', 1, 7, "expected a string for field 'text' in Sample, got 'abc'"],
      ['flag: yes', 1, 7, "expected true or false for field 'flag' in Sample, got 'yes'"],
      ['flag: 2', 1, 7, "expected true or false for field 'flag' in Sample, got '2'"],
      ['i32: 1.5', 1, 6, "expected an integer for field 'i32' in Sample, got '1.5'"],
      ['i32: "1"', 1, 6, `expected an integer for field 'i32' in Sample, got '"1"'`],
      ['i32: 08', 1, 6, "expected an integer for field 'i32' in Sample, got '08'"],
      ['i32: 2147483648', 1, 6, "2147483648 is out of range for int32 field 'i32' in Sample (allowed: -2147483648 to 2147483647)"],
      ['u32: -1', 1, 6, "-1 is out of range for uint32 field 'u32' in Sample (allowed: 0 to 4294967295)"],
      ['u64: 9007199254740992', 1, 6, "9007199254740992 is out of range for uint64 field 'u64' in Sample (allowed: 0 to 9007199254740991)"],
      ['f64: x', 1, 6, "expected a number for field 'f64' in Sample, got 'x'"],
      ['color: PURPLE', 1, 8, "unknown value 'PURPLE' of enum Color for field 'color' in Sample; expected one of RED, GREEN, BLUE"],
      ['color: 3', 1, 8, "3 is not a value of enum Color for field 'color' in Sample"],
      ['color: "RED"', 1, 8, `expected an enum value for field 'color' in Sample, got '"RED"'`],
      ['i32 5', 1, 5, "expected ':' after field 'i32' in Sample, got '5'"],
      ['i32: 1 i32: 2', 1, 8, "field 'i32' in Sample is specified more than once"],
      ['child {} child {}', 1, 10, "field 'child' in Sample is specified more than once"],
      ['first {} second {}', 1, 10, "field 'second' in Sample and field 'first' are both set, but they belong to oneof 'choice'"],
      ['i32: [1]', 1, 6, "field 'i32' in Sample is not repeated, so it cannot take a list"],
      ['dims: [1, 2', 1, 12, "expected ']' to close the list of field 'dims' in Sample, got end of input"],
      ['dims: [1 2]', 1, 10, "expected ']' to close the list of field 'dims' in Sample, got '2'"],
      ['child { label: "a"', 1, 19, "expected a field name or '}' in Inner, got end of input"],
      ['child < label: "a" }', 1, 20, "expected a field name or '>' in Inner, got '}'"],
      ['child: 5', 1, 8, "expected '{' or '<' to start field 'child' in Sample, got '5'"],
      ['}', 1, 1, "expected a field name in Sample, got '}'"],
      ['text: "abc', 1, 7, 'unterminated string literal'],
      ['text: "a\nb"', 1, 7, 'unterminated string literal'],
      ['text: "a\\qb"', 1, 9, "invalid escape sequence '\\q'"],
      ['text: "\\xZZ"', 1, 8, "'\\x' must be followed by hex digits"],
      ['text: "\\777"', 1, 8, "octal escape '\\777' is larger than one byte"],
      ['text: "\\u12"', 1, 8, "'\\u' must be followed by 4 hex digits"],
      ['text: "\\ud800"', 1, 8, 'unicode escape is not a valid code point'],
      ['text: "\\xff"', 1, 7, 'string literal is not valid UTF-8'],
      ['i32: 12abc', 1, 6, "invalid number '12abc'"],
      ['i32: 1.2.3', 1, 6, "invalid number '1.2.3'"],
      ['i32: @', 1, 6, 'unexpected character "@"'],
    ])('%j', (text, line, column, reason) => {
      expect(parseError(text)).toMatchObject({ line, column, reason });
    });
  });
});

describe('renderText', () => {
  it('writes canonical text, leaving out scalars at their default', () => {
    const message = { text: '', i32: 3, dims: [1, -1], flag: false, child: {}, by_level: { '10': 'x', '2': 'y' }, f64: -0 };
    expect(renderText(sample, message)).toBe(
      ['i32: 3', 'f64: -0', 'dims: [1, -1]', 'child {}', 'by_level {', '  key: 2', '  value: "y"', '}', 'by_level {', '  key: 10', '  value: "x"', '}', ''].join('\n'),
    );
  });

  it('escapes strings so that they read back unchanged', () => {
    expect(renderText(sample, { text: 'a"b\\c\n\x01é' })).toBe('text: "a\\"b\\\\c\\n\\001é"\n');
  });

  // 200 generated messages take ~3 s alone; with every test project running at once on 2 cores
  // they have taken over 5 s, Vitest's default. The property, not the time, is under test.
  it('round-trips every message the schema allows (property)', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(messageArbitrary(sample), (message) => {
        expect(withDefaults(sample, parse(renderText(sample, message)))).toEqual(message);
      }),
      { numRuns: 200 },
    );
  });
});
