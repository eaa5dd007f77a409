import { envName, FlagError, flagBool, flagInt, flagString, parseFlags, type FlagSpec } from './flags';

const specs: FlagSpec[] = [
  { name: 'http-port', description: 'port', default: '8000' },
  { name: 'model-repository', description: 'repo' },
  { name: 'rate-limit-resource', description: 'resource', repeatable: true },
  { name: 'verbose', description: 'bool', default: 'false' },
];

describe('tritonserver-style flags', () => {
  it('reads --name=value and --name value, and a bare flag as true', () => {
    const flags = parseFlags(['--http-port=8123', '--model-repository', '/models', '--verbose'], specs, {});
    expect(flagInt(flags, 'http-port', 1, 65535)).toBe(8123);
    expect(flagString(flags, 'model-repository')).toBe('/models');
    expect(flagBool(flags, 'verbose')).toBe(true);
  });

  it('collects repeatable flags in order and keeps the last of the others', () => {
    const flags = parseFlags(['--rate-limit-resource=R1:4', '--http-port=1', '--rate-limit-resource', 'R2:2:0', '--http-port=2'], specs, {});
    expect(flags.get('rate-limit-resource')).toEqual(['R1:4', 'R2:2:0']);
    expect(flagString(flags, 'http-port')).toBe('2');
  });

  it('falls back to the FLOTILLA_ environment twin, then the default; flags win', () => {
    expect(envName('http-port')).toBe('FLOTILLA_HTTP_PORT');
    expect(flagString(parseFlags([], specs, { FLOTILLA_HTTP_PORT: '9000' }), 'http-port')).toBe('9000');
    expect(flagString(parseFlags(['--http-port=1'], specs, { FLOTILLA_HTTP_PORT: '9000' }), 'http-port')).toBe('1');
    expect(flagString(parseFlags([], specs, {}), 'http-port')).toBe('8000');
    expect(parseFlags([], specs, { FLOTILLA_RATE_LIMIT_RESOURCE: 'A:1,B:2' }).get('rate-limit-resource')).toEqual(['A:1', 'B:2']);
  });

  it('with ignoreUnknown, reads only its own flags and steps over the others with their values', () => {
    const values = parseFlags(['--other', 'x', '--http-port', '9', '--flag-alone', '--else=1'], specs, {}, { ignoreUnknown: true });
    expect(flagInt(values, 'http-port')).toBe(9); // 'x' was stepped over as --other's value, not refused as a stray argument
    expect(['other', 'flag-alone', 'else'].filter((name) => values.has(name))).toEqual([]);
  });

  it('refuses unknown flags, stray arguments and bad values with messages that say what to do', () => {
    expect(() => parseFlags(['--htp-port=1'], specs, {})).toThrow("unknown flag '--htp-port'. Known flags: --http-port, --model-repository, --rate-limit-resource, --verbose");
    expect(() => parseFlags(['8000'], specs, {})).toThrow("unexpected argument '8000'");
    expect(() => flagInt(parseFlags(['--http-port=abc'], specs, {}), 'http-port', 1, 65535)).toThrow("--http-port must be an integer in [1, 65535], got 'abc'");
    expect(() => flagBool(parseFlags(['--verbose=maybe'], specs, {}), 'verbose')).toThrow(FlagError);
    expect(() => flagString(parseFlags([], specs, {}), 'model-repository')).toThrow('--model-repository is required');
  });
});
