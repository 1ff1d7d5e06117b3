/**
 * Weight specs: every tensor an architecture reads, with its checkpoint name and shape, and the
 * conversion-time fix-ups (STYLE.md rule 9: do constant transformations when exporting weights,
 * never as graph ops). Names are the Hugging Face checkpoint's, unchanged, so the ONNX initializers
 * keep them.
 */
import { ArchError } from './errors.js';

/** How a tensor is initialised by `init-tiny` (random models for tests). */
export type WeightInit =
  /** N(0, std) with std from the spec (default 0.02). */
  | 'normal'
  /** Norm weights: 1 + N(0, 0.1), so that norms are not the identity. */
  | 'norm'
  /** Biases: N(0, 0.02). */
  | 'bias'
  /** Layer scale / gates: small non-zero values. */
  | 'scale';

/**
 * Padded dummy heads (NVLM.md 5.3): along `axis`, the tensor holds `blocks` consecutive blocks of
 * `padded` entries each, of which the first `real` are real and the rest must be exactly zero.
 * qkv: axis 0, 3 blocks (q, k, v); q/k norms: axis 0, 1 block; proj: axis 1, 1 block.
 */
export interface Padding {
  readonly axis: 0 | 1;
  readonly blocks: number;
  readonly real: number;
  readonly padded: number;
}

export interface WeightSpec {
  /** Checkpoint tensor name, e.g. `language_model.model.layers.0.self_attn.q_proj.weight`. */
  readonly name: string;
  /** Shape as stored in the checkpoint. */
  readonly shape: readonly number[];
  /** Dummy-head padding sliced off at conversion; the graph sees {@link graphShape}. */
  readonly padding?: Padding;
  readonly init: WeightInit;
  /** Standard deviation for `normal` init (tiny models); default 1/sqrt(fan-in), 1 for embeddings. */
  readonly std?: number;
}

/** The shape the graph sees: the checkpoint shape with padding removed. */
export function graphShape(spec: WeightSpec): readonly number[] {
  const { padding, shape } = spec;
  if (!padding) return shape;
  const out = [...shape];
  out[padding.axis] = padding.blocks * padding.real;
  return out;
}

/** Whether flat element `index` of a tensor of `shape` lies in a padded (dummy) region. */
function isPadded(padding: Padding, shape: readonly number[], index: number): boolean {
  const cols = shape.length === 2 ? shape[1]! : 1;
  const along = padding.axis === 0 ? Math.floor(index / cols) : index % cols;
  return along % padding.padded >= padding.real;
}

/** Sets the padded regions of `data` (checkpoint layout) to zero, in place. */
export function zeroPadding(spec: WeightSpec, data: Float32Array): Float32Array {
  if (!spec.padding) return data;
  for (let i = 0; i < data.length; i++) if (isPadded(spec.padding, spec.shape, i)) data[i] = 0;
  return data;
}

/**
 * Converts a checkpoint tensor to graph layout: checks its shape, and slices dummy heads off after
 * checking they are all zero (`NONZERO_DUMMY_HEADS` otherwise). A tensor already stored unpadded
 * (graph shape) is taken as is (NVLM.md 5.3: "if the checkpoint turns out unpadded, use it").
 */
export function sanitizeTensor(
  spec: WeightSpec,
  data: Float32Array,
  actualShape: readonly number[],
): Float32Array {
  const target = graphShape(spec);
  const { padding } = spec;
  if (!padding || sameShape(actualShape, target)) {
    checkShape(spec.name, actualShape, target);
    return data;
  }
  checkShape(spec.name, actualShape, spec.shape);
  const out = new Float32Array(numel(target));
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    if (!isPadded(padding, spec.shape, i)) {
      out[o++] = data[i]!;
    } else if (data[i] !== 0) {
      const cols = spec.shape.length === 2 ? spec.shape[1]! : 1;
      throw new ArchError(
        'NONZERO_DUMMY_HEADS',
        `tensor '${spec.name}': padded dummy-head element [${Math.floor(i / cols)}, ${i % cols}] is ${data[i]}, not 0; the checkpoint's head layout is not the one NVLM uses`,
      );
    }
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Throws `BAD_TENSOR` unless `actual` equals `expected`, naming the tensor. */
export function checkShape(name: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new ArchError(
      'BAD_TENSOR',
      `tensor '${name}' has shape [${actual.join(', ')}], expected [${expected.join(', ')}]`,
    );
  }
}

/** Total parameter count of `specs` in checkpoint layout. */
export function countParameters(specs: readonly WeightSpec[]): number {
  return specs.reduce((sum, spec) => sum + numel(spec.shape), 0);
}
