import { FlotillaError } from '@flotilla/contracts';
import { parseVersionDirName, selectVersions } from './versions';

describe('parseVersionDirName (spec §4.1, checklist 40)', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['9007199254740991', 9007199254740991],
    ['0', undefined],
    ['01', undefined],
    ['007', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['1a', undefined],
    [' 1', undefined],
    ['', undefined],
    ['configs', undefined],
    ['99999999999999999999', undefined],
  ])('%j ⇒ %s', (name, version) => {
    expect(parseVersionDirName(name)).toBe(version);
  });
});

describe('selectVersions (spec §4.2)', () => {
  it.each([
    ['default policy: the highest version', undefined, [1, 3, 2], [3]],
    ['latest 2', { latest: { num_versions: 2 } }, [5, 1, 3], [3, 5]],
    ['latest more than present', { latest: { num_versions: 9 } }, [2, 1], [1, 2]],
    ['all', { all: {} }, [3, 1, 2, 2], [1, 2, 3]],
    ['specific, missing ones left out', { specific: { versions: [4, 1, 7] } }, [1, 2, 3, 4], [1, 4]],
  ])('%s', (_case, policy, available, expected) => {
    expect(selectVersions(policy as Parameters<typeof selectVersions>[0], available, 'm')).toEqual(expected);
  });

  it.each([
    ['no versions present', undefined, []],
    ['latest 0', { latest: { num_versions: 0 } }, [1]],
    ['specific versions all missing', { specific: { versions: [9] } }, [1, 2]],
  ])('fails when nothing is selected: %s', (_case, policy, available) => {
    expect(() => selectVersions(policy as Parameters<typeof selectVersions>[0], available, 'm')).toThrow(
      new FlotillaError('INVALID_ARG', "at least one version must be available under the version policy of model 'm'"),
    );
  });
});
