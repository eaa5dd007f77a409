import { failureLines, startupReport } from './startup-report';

describe('startupReport', () => {
  it('sorts the index into loading, failed (with reasons) and ready, leaving unloaded and never-loaded models out', () => {
    const report = startupReport([
      { name: 'a', version: '1', state: 'READY', reason: '' },
      { name: 'b', version: '1', state: 'LOADING', reason: '' },
      { name: 'c', state: 'UNAVAILABLE', reason: 'has kind KIND_GPU but no GPUs are available' },
      { name: 'd', version: '2', state: 'UNAVAILABLE', reason: 'model file not found' },
      { name: 'e', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' },
      { name: 'f' },
    ]);
    expect(report).toEqual({
      loading: ['b'],
      ready: ['a'],
      failed: [
        { model: 'c', reason: 'has kind KIND_GPU but no GPUs are available' },
        { model: 'd', version: '2', reason: 'model file not found' },
      ],
    });
    expect(failureLines(report)).toEqual(["model 'c': has kind KIND_GPU but no GPUs are available", "model 'd' version 2: model file not found"]);
  });
});
