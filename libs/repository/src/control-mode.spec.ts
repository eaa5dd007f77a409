import { parseModelControlMode, startupModels } from './control-mode';

describe('model control modes', () => {
  it('knows the three modes and refuses others by name', () => {
    expect(['none', 'poll', 'explicit'].map(parseModelControlMode)).toEqual(['none', 'poll', 'explicit']);
    expect(() => parseModelControlMode('manual')).toThrow("unexpected value for --model-control-mode: 'manual'; expected none, poll or explicit");
  });

  it('loads every model in none and poll, and refuses --load-model there rather than ignoring it', () => {
    expect(startupModels('none', [], ['a', 'b'])).toEqual(['a', 'b']);
    expect(startupModels('poll', [], ['a'])).toEqual(['a']);
    expect(() => startupModels('none', ['a'], ['a'])).toThrow('--load-model is only used with --model-control-mode=explicit');
  });

  it("loads only the named models in explicit mode, everything with '*', which must be alone", () => {
    expect(startupModels('explicit', [], ['a', 'b'])).toEqual([]);
    expect(startupModels('explicit', ['b', 'b', 'missing'], ['a', 'b'])).toEqual(['b', 'missing']);
    expect(startupModels('explicit', ['*'], ['a', 'b'])).toEqual(['a', 'b']);
    expect(() => startupModels('explicit', ['*', 'a'], ['a'])).toThrow("Wildcard model name '*' must be the ONLY startup model if specified at all.");
  });
});
