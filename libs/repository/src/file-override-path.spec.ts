import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseFileOverridePath } from './file-override-path';
import { discardOverrides, materializeOverrides } from './materialize-overrides';

describe('parseFileOverridePath: a file: parameter can only name a file inside its model folder', () => {
  it('reads a plain path under a version', () => {
    expect(parseFileOverridePath('file:1/model.onnx')).toEqual({ version: 1, path: 'model.onnx' });
    expect(parseFileOverridePath('file:12/sub/dir/weights.bin')).toEqual({ version: 12, path: 'sub/dir/weights.bin' });
  });

  it.each([
    ['file:1/../../etc/passwd', "the path segment '..' could leave the model folder"],
    ['file:../1/model.onnx', "'..' is not a version number"],
    ['file:1/./model.onnx', "the path segment '.' could leave the model folder"],
    ['file:/etc/passwd', 'the path is absolute'],
    ['file:1//etc/passwd', "the path segment '' could leave the model folder"],
    ['file:1/model.onnx\0.txt', 'NUL character'],
    ['file:1\\..\\model.onnx', 'backslash'],
    ['file:01/model.onnx', "'01' is not a version number"],
    ['file:one/model.onnx', "'one' is not a version number"],
    ['file:-1/model.onnx', "'-1' is not a version number"],
    ['file:1', 'no file name after the version'],
    ['file:1/', 'no file name after the version'],
  ])('refuses %j naming it', (key, why) => {
    expect(() => parseFileOverridePath(key)).toThrow(`invalid file override '${key}': `);
    expect(() => parseFileOverridePath(key)).toThrow(why);
  });
});

describe('materializeOverrides', () => {
  it('writes only the given files into a fresh private folder named for the model', async () => {
    const dir = await materializeOverrides('m', [
      { version: 1, path: 'model.onnx', contents: Buffer.from('abc') },
      { version: 1, path: 'sub/extra.txt', contents: Buffer.from('x') },
    ]);
    expect(dir.endsWith('/m')).toBe(true);
    expect(dirname(dir)).toMatch(/flotilla-override-/);
    expect(readdirSync(dir)).toEqual(['1']);
    expect(readFileSync(join(dir, '1', 'model.onnx'), 'utf8')).toBe('abc');
    expect(lstatSync(join(dir, '1', 'sub', 'extra.txt')).isFile()).toBe(true);
    expect(existsSync(join(dir, 'config.pbtxt'))).toBe(false);
    await discardOverrides(dir);
  });

  it('discards only a folder it made', async () => {
    const dir = await materializeOverrides('m', [{ version: 1, path: 'model.onnx', contents: Buffer.from('a') }]);
    await discardOverrides('/work/not-mine/m');
    await discardOverrides(dir);
    expect(existsSync(dirname(dir))).toBe(false);
  });

  it('refuses a file given twice instead of silently keeping one, and leaves no folder behind', async () => {
    const twice = [
      { version: 1, path: 'model.onnx', contents: Buffer.from('a') },
      { version: 1, path: 'model.onnx', contents: Buffer.from('b') },
    ];
    const overrideFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('flotilla-override-')).sort();
    const before = overrideFolders();
    await expect(materializeOverrides('m', twice)).rejects.toThrow(/EEXIST/);
    expect(overrideFolders()).toEqual(before);
  });
});
