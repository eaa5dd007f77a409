import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@flotilla/contracts';
import { readTensorFile, removeTensorFile, writeTensorFile } from './tensor-file';
import { sharedMemoryId } from './shared-memory-id';

const made: string[] = [];
const scratch = (prefix: string) => {
  made.push(mkdtempSync(join(tmpdir(), prefix)));
  return made[made.length - 1];
};
const dir = scratch('flotilla-tensor-files-');
afterAll(() => made.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
const tensor = (name: string, bytes: number[]): Tensor => ({ name, datatype: 'UINT8', shape: [bytes.length], data: Uint8Array.from(bytes) });

describe('tensor files', () => {
  it('round-trips several tensors, their bytes in one buffer', () => {
    const ref = writeTensorFile(join(dir, 'a.in'), [tensor('A', [1, 2, 3]), tensor('B', []), tensor('C', [9])]);
    expect(ref.tensors.map((t) => [t.name, t.byteLength])).toEqual([
      ['A', 3],
      ['B', 0],
      ['C', 1],
    ]);
    const back = readTensorFile(ref, true);
    expect(back.map((t) => [t.name, [...t.data]])).toEqual([
      ['A', [1, 2, 3]],
      ['B', []],
      ['C', [9]],
    ]);
    expect(back[0].data.buffer).toBe(back[2].data.buffer);
    removeTensorFile(ref.path);
    expect(existsSync(ref.path)).toBe(false);
  });

  it('names the file and the way out when it cannot be read', () => {
    expect(() => readTensorFile({ path: join(dir, 'missing.in'), tensors: [{ name: 'A', datatype: 'UINT8', shape: [1], byteLength: 1 }] }, true)).toThrow(
      /cannot read the tensor file .*missing\.in \(ENOENT\).*--tensor-file-threshold-bytes 0/,
    );
  });

  it('refuses a file shorter than its descriptors say', () => {
    const ref = writeTensorFile(join(dir, 'short.in'), [tensor('A', [1])]);
    expect(() => readTensorFile({ ...ref, tensors: [{ ...ref.tensors[0], shape: [4], byteLength: 4 }] }, true)).toThrow(/holds 1 bytes, 4 expected/);
  });

  it('reads only gateway tensor files unless told otherwise', () => {
    const tensors = [{ name: 'A', datatype: 'UINT8' as const, shape: [1], byteLength: 1 }];
    for (const path of ['/etc/passwd', '/dev/shm/flotilla-tensors-1-a.in/../../etc/passwd', '/dev/shm/other.in', '/dev/shm/flotilla-tensors-1.out', '/dev/shm/flotilla-tensors-1.in.out.x']) {
      expect(() => readTensorFile({ path, tensors })).toThrow(/is not a Flotilla tensor file/);
    }
    expect(() => readTensorFile({ path: '/dev/shm/flotilla-tensors-123-9z.in', tensors })).toThrow(/cannot read the tensor file/);
    expect(() => readTensorFile({ path: '/dev/shm/flotilla-tensors-123-9z.in.out', tensors })).toThrow(/cannot read the tensor file/);
  });

  it('gives every process that shares a folder the same id, and another folder another id', () => {
    const shared = scratch('flotilla-shm-');
    const first = sharedMemoryId(shared);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(sharedMemoryId(shared)).toBe(first);
    expect(sharedMemoryId(scratch('flotilla-shm-'))).not.toBe(first);
    expect(sharedMemoryId(join(shared, 'no', 'such', 'dir'))).toBeUndefined();
  });
});
