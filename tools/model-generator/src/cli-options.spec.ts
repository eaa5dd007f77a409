import { parseCliOptions } from './cli-options';

describe('parseCliOptions', () => {
  it('reads the output directory, model list and matmul_chain size', () => {
    expect(parseCliOptions(['--out', 'repo', '--models', 'simple, matmul_chain', '--matmul-size', '256', '--matmul-layers', '12'])).toEqual({
      outDir: 'repo',
      models: ['simple', 'matmul_chain'],
      matmulSize: 256,
      matmulLayers: 12,
      matmulSeed: undefined,
    });
  });

  it('leaves unset options to the defaults', () => {
    expect(parseCliOptions(['--out', 'repo'])).toMatchObject({ outDir: 'repo', models: undefined, matmulSize: undefined });
  });

  it('explains what is wrong', () => {
    expect(() => parseCliOptions([])).toThrow(/--out is required/);
    expect(() => parseCliOptions(['--out', 'r', '--models', 'resnet'])).toThrow("unknown model 'resnet' in --models");
    expect(() => parseCliOptions(['--out', 'r', '--matmul-size', '1.5'])).toThrow("--matmul-size must be a positive integer, got '1.5'");
    expect(() => parseCliOptions(['--out', 'r', '--bogus'])).toThrow(/bogus/);
  });
});
