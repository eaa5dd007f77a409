import type { ModelRecord } from '@flotilla/contracts';
import { droppingRecord, isUnloaded, loadFailureText, loadingRecord, settledRecord, unloadedRecord, unloadingRecord, type VersionOutcome } from './lifecycle-records';

const v = (version: number, state: ModelRecord['versions'][number]['state'] = 'READY', reason = '') => ({ version, state, reason, path: `/r/m/${version}/model.onnx` });
const record = (versions: ModelRecord['versions'], config: Record<string, unknown> = { name: 'm', tag: 'old' }): ModelRecord => ({ name: 'm', config, versions, reason: '' });

describe('lifecycle records', () => {
  const previous = record([v(1)]);
  const candidate = record([v(2)], { name: 'm', tag: 'new' });

  it('while loading a new version, the serving one stays READY and the new one is LOADING', () => {
    expect(loadingRecord(previous, candidate).versions.map((x) => [x.version, x.state])).toEqual([
      [1, 'READY'],
      [2, 'LOADING'],
    ]);
    expect(loadingRecord(undefined, candidate).versions.map((x) => x.state)).toEqual(['LOADING']);
    // an instance-only reload of a serving version never stops serving it
    expect(loadingRecord(previous, record([v(1)], { name: 'm', tag: 'new' })).versions.map((x) => x.state)).toEqual(['READY']);
  });

  it('a settled load serves the candidate, dropping versions it no longer selects', () => {
    const settled = settledRecord(previous, candidate, new Map([[2, { kind: 'ready' }]]));
    expect(settled.versions.map((x) => [x.version, x.state])).toEqual([[2, 'READY']]);
    expect(settled.config).toEqual({ name: 'm', tag: 'new' });
  });

  it('a settled load that drops a serving version first lists it UNLOADING, so what it holds finishes', () => {
    const current = loadingRecord(previous, candidate);
    const settled = settledRecord(previous, candidate, new Map([[2, { kind: 'ready' }]]));
    const dropping = droppingRecord(current, settled)!;
    expect(dropping.versions).toEqual([1]);
    expect(dropping.record.versions.map((x) => [x.version, x.state])).toEqual([
      [1, 'UNLOADING'],
      [2, 'READY'],
    ]);
    expect(droppingRecord(settled, settled)).toBeUndefined();
  });

  it('a failed reload keeps the previous record serving and lists the failed version with its reason', () => {
    const outcomes = new Map<number, VersionOutcome>([[2, { kind: 'failed', reason: 'bad file' }]]);
    const settled = settledRecord(previous, candidate, outcomes);
    expect(settled.config).toEqual({ name: 'm', tag: 'old' });
    expect(settled.versions.map((x) => [x.version, x.state, x.reason])).toEqual([
      [1, 'READY', ''],
      [2, 'UNAVAILABLE', 'bad file'],
    ]);
    expect(loadFailureText('m', outcomes)).toBe("load failed for model 'm': version 2 is at UNAVAILABLE state: bad file;");
    expect(loadFailureText('m', new Map([[2, { kind: 'ready' }]]))).toBeUndefined();
  });

  it('a failed first load keeps what succeeded', () => {
    const both = record([v(1), v(2)]);
    const settled = settledRecord(undefined, both, new Map<number, VersionOutcome>([[1, { kind: 'ready' }], [2, { kind: 'failed', reason: 'x' }]]));
    expect(settled.versions.map((x) => x.state)).toEqual(['READY', 'UNAVAILABLE']);
  });

  it("unloading refuses new requests (no READY version), then leaves every version 'unloaded' and no config", () => {
    expect(unloadingRecord(record([v(1), v(2, 'UNAVAILABLE', 'gone')])).versions.map((x) => x.state)).toEqual(['UNLOADING', 'UNAVAILABLE']);
    const unloaded = unloadedRecord(record([v(1)]));
    expect(unloaded.config).toBeUndefined();
    expect(unloaded.versions).toEqual([{ ...v(1), state: 'UNAVAILABLE', reason: 'unloaded' }]);
    expect(isUnloaded(unloaded)).toBe(true);
    const failedWhole: ModelRecord = { name: 'm', versions: [], reason: 'bad config' };
    expect(unloadedRecord(failedWhole)).toEqual({ name: 'm', versions: [], reason: 'unloaded' });
    expect(isUnloaded(unloadedRecord(failedWhole))).toBe(true);
    expect(isUnloaded(failedWhole)).toBe(false);
  });
});
