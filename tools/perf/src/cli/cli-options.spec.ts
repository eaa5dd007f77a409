import { CliError, parseCliOptions, type CliOptions } from './cli-options';

const parse = (...argv: string[]) => parseCliOptions(argv) as CliOptions;

describe('parseCliOptions', () => {
  it('has perf_analyzer-like defaults', () => {
    expect(parse('--model', 'simple')).toMatchObject({
      url: 'http://127.0.0.1:8000',
      model: 'simple',
      protocol: 'binary',
      mode: 'concurrency',
      levels: [1],
      inputData: 'random',
      windowMs: 2000,
      stability: 0.1,
      maxWindows: 10,
      json: false,
    });
  });

  it('reads concurrency lists, request rates and --flag=value', () => {
    expect(parse('--model', 'm', '--concurrency', '1,4,16').levels).toEqual([1, 4, 16]);
    const rate = parse('--model=m', '--request-rate=200', '--json');
    expect(rate).toMatchObject({ mode: 'request-rate', levels: [200], json: true });
  });

  it('speaks gRPC with --protocol grpc, on 8001 unless told another address', () => {
    expect(parse('--model', 'm', '--protocol', 'grpc')).toMatchObject({ protocol: 'grpc', url: '127.0.0.1:8001' });
    expect(parse('--model', 'm', '--protocol', 'grpc', '--url', 'gpu-box:9001').url).toBe('gpu-box:9001');
  });

  it('reads shapes and input sizes', () => {
    const options = parse('--model', 'identity_fp32', '--input-bytes', '1048576', '--shape', 'INPUT0:1,262144', '--shape', 'OTHER:2');
    expect(options.inputBytes).toBe(1048576);
    expect(options.shapes).toEqual({ INPUT0: [1, 262144], OTHER: [2] });
  });

  it('refuses what it cannot honour, as a CliError', () => {
    expect(() => parse()).toThrow(/--model is required/);
    expect(() => parse('--model', 'm', '--concurrency', '2', '--request-rate', '5')).toThrow(/not both/);
    expect(() => parse('--model', 'm', '--protocol', 'thrift')).toThrow(/json, binary or grpc/);
    expect(() => parse('--model', 'm', '--concurrency', '0')).toThrow(/positive/);
    expect(() => parse('--model', 'm', '--stability', '10')).toThrow(/fraction/);
    expect(() => parse('--model', 'm', '--frobnicate', '1')).toThrow(/unknown option/);
    expect(() => parse('--model')).toThrow(/needs a value/);
    expect(() => parse('--model', 'm', '--shape', 'INPUT0')).toThrow(CliError);
  });

  it('answers help', () => {
    expect(parseCliOptions(['--help'])).toBe('help');
  });
});
