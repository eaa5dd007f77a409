import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { invalidArg, type Tensor, type TensorFileRef } from '@flotilla/contracts';
import { SHARED_MEMORY_DIR } from './shared-memory-id';

/**
 * Writes tensors back to back into one file. On a tmpfs such as /dev/shm this is a memory copy:
 * the way Flotilla moves large tensors between a gateway and an executor that share the machine,
 * so that megabytes never cross the NATS broker (Triton's system shared memory, done for you).
 */
export function writeTensorFile(path: string, tensors: readonly Tensor[]): TensorFileRef {
  const fd = openSync(path, 'w', 0o600);
  try {
    for (const tensor of tensors) {
      let written = 0;
      while (written < tensor.data.byteLength) written += writeSync(fd, tensor.data, written, tensor.data.byteLength - written);
    }
  } finally {
    closeSync(fd);
  }
  return { path, tensors: tensors.map(({ name, datatype, shape, data }) => ({ name, datatype, shape, byteLength: data.byteLength })) };
}

/** The only files a message may point a service at: a gateway's tensor files in /dev/shm (`.in`, and the executor's `.in.out`). */
export const TENSOR_FILE_PREFIX = 'flotilla-tensors-';
const TENSOR_FILE = new RegExp(`^${SHARED_MEMORY_DIR}/${TENSOR_FILE_PREFIX}[A-Za-z0-9-]+\\.in(\\.out)?$`);

/**
 * Reads the tensors back as views into one buffer that owns all their bytes. `allowAnyPath` is for
 * tests; services read only gateway tensor files, so a message on the bus cannot make an executor
 * read (or, with `.out`, write) any other file.
 */
export function readTensorFile(ref: TensorFileRef, allowAnyPath = false): Tensor[] {
  if (!allowAnyPath && !TENSOR_FILE.test(ref.path)) throw invalidArg(`'${ref.path}' is not a Flotilla tensor file (${SHARED_MEMORY_DIR}/${TENSOR_FILE_PREFIX}*.in[.out])`);
  const total = ref.tensors.reduce((sum, tensor) => sum + tensor.byteLength, 0);
  const buffer = new Uint8Array(total);
  let fd: number;
  try {
    fd = openSync(ref.path, 'r');
  } catch (error) {
    throw invalidArg(
      `cannot read the tensor file ${ref.path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ` +
        'the gateway and this executor do not share /dev/shm; set the gateway flag --tensor-file-threshold-bytes 0',
    );
  }
  try {
    let read = 0;
    while (read < total) {
      const n = readSync(fd, buffer, read, total - read, read);
      if (n === 0) throw invalidArg(`tensor file ${ref.path} holds ${read} bytes, ${total} expected`);
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  let offset = 0;
  return ref.tensors.map(({ name, datatype, shape, byteLength }) => {
    const data = buffer.subarray(offset, offset + byteLength);
    offset += byteLength;
    return { name, datatype, shape, data };
  });
}

export function removeTensorFile(path: string): void {
  rmSync(path, { force: true });
}
