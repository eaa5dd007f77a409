import fc from 'fast-check';
import { decodeFrame, encodeFrame, FrameDecodeError, peekFrameMeta } from './frame';
import { DATATYPES } from './datatypes';
import type { Tensor } from './tensor';

const tensor = (name: string, bytes: number[]): Tensor => ({ name, datatype: 'UINT8', shape: [bytes.length], data: Uint8Array.from(bytes) });

describe('binary frame', () => {
  it('round-trips metadata and tensor bytes', () => {
    const frame = encodeFrame({ model: 'simple', n: 1 }, [tensor('A', [1, 2, 3]), tensor('B', [])]);
    const decoded = decodeFrame<{ model: string; n: number }>(frame);
    expect(decoded.meta).toEqual({ model: 'simple', n: 1 });
    expect(decoded.tensors.map((t) => [t.name, [...t.data]])).toEqual([
      ['A', [1, 2, 3]],
      ['B', []],
    ]);
  });

  it('decodes tensors as views into the payload, without copying', () => {
    const frame = encodeFrame({}, [tensor('A', [9, 8, 7])]);
    const decoded = decodeFrame(frame);
    expect(decoded.tensors[0].data.buffer).toBe(frame.buffer);
  });

  it('reads the metadata alone without touching tensors', () => {
    expect(peekFrameMeta(encodeFrame({ model: 'm' }, [tensor('A', [1])]))).toEqual({ model: 'm' });
  });

  it('names what is wrong with a malformed payload', () => {
    expect(() => decodeFrame(new Uint8Array([1]))).toThrow(/shorter than the length prefix/);
    expect(() => decodeFrame(Uint8Array.from([200, 0, 0, 0, 1]))).toThrow(/exceeds/);
    const truncated = encodeFrame({}, [tensor('A', [1, 2, 3])]).subarray(0, -1);
    expect(() => decodeFrame(truncated)).toThrow(/tensor 'A' runs past the end/);
  });

  it('round-trips arbitrary tensors and never throws anything but FrameDecodeError on garbage', () => {
    const arbTensor = fc.record({
      name: fc.string(),
      datatype: fc.constantFrom(...DATATYPES),
      shape: fc.array(fc.nat(8), { maxLength: 4 }),
      data: fc.uint8Array({ maxLength: 64 }),
    });
    fc.assert(
      fc.property(fc.array(arbTensor, { maxLength: 4 }), fc.jsonValue(), (tensors, meta) => {
        const decoded = decodeFrame(encodeFrame(meta, tensors));
        expect(decoded.meta).toEqual(JSON.parse(JSON.stringify(meta ?? null)));
        expect(decoded.tensors.map((t) => ({ ...t, data: [...t.data] }))).toEqual(tensors.map((t) => ({ ...t, data: [...t.data] })));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeFrame(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(FrameDecodeError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
