// A CPU-bound model of tunable cost: INPUT0 [batch, N] → L × (MatMul by W [N, N] → Tanh) → OUTPUT0 [batch, N].
//
// Every layer multiplies by the SAME weight W. With one weight per layer, a batch-1 run is a chain
// of matrix-vector products that is bound by memory bandwidth, and reaching tens of milliseconds
// would take hundreds of MiB of weights; a shared W keeps the file at N² × 4 bytes, stays in the
// CPU cache, and makes the cost compute-bound, so two instances on two cores really run twice as
// fast as one (which is what the concurrency tests measure). Tanh between layers keeps values in
// [-1, 1] and stops any optimiser from folding consecutive MatMuls together.
import { encodeModel, fp32Initializer, fp32ValueInfo, node } from '../onnx-builder';
import { seededRandom } from '../seeded-random';

export interface MatmulChainOptions {
  /** N: the width of the input, the output and the square weight. */
  readonly size: number;
  /** L: how many MatMul → Tanh layers. */
  readonly layers: number;
  /** Seed of the weight generator; the same seed gives byte-identical files. */
  readonly seed: number;
}

export function buildMatmulChainModel({ size, layers, seed }: MatmulChainOptions): Uint8Array {
  if (!Number.isInteger(size) || size < 1) throw new Error(`matmul_chain: size must be a positive integer, got ${size}`);
  if (!Number.isInteger(layers) || layers < 1) throw new Error(`matmul_chain: layers must be a positive integer, got ${layers}`);

  const nodes = [];
  let previous = 'INPUT0';
  for (let layer = 0; layer < layers; layer++) {
    const product = `layer${layer}_matmul`;
    const activated = layer === layers - 1 ? 'OUTPUT0' : `layer${layer}_tanh`;
    nodes.push(node('MatMul', [previous, 'W'], [product], product));
    nodes.push(node('Tanh', [product], [activated], `layer${layer}_tanh`));
    previous = activated;
  }

  return encodeModel({
    name: 'matmul_chain',
    inputs: [fp32ValueInfo('INPUT0', ['batch', size])],
    outputs: [fp32ValueInfo('OUTPUT0', ['batch', size])],
    nodes,
    initializers: [fp32Initializer('W', [size, size], randomWeights(size, seed))],
  });
}

/** Uniform in ±√(3/N): unit variance in, roughly unit variance out of each MatMul. */
function randomWeights(size: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const limit = Math.sqrt(3 / size);
  const weights = new Float32Array(size * size);
  for (let i = 0; i < weights.length; i++) weights[i] = (random() * 2 - 1) * limit;
  return weights;
}
