/**
 * The `GraphWeights` of a conversion: initializers named after checkpoint tensors, filled lazily
 * from a loader at write time. fp32 keeps float32 weights; fp16 stores float16 weights and runs
 * the graph in float16 (round-to-nearest-even); int8 / int4 store every linear layer as
 * com.microsoft MatMulNBits blocks (round-to-nearest, weight-only; activations stay float32).
 * Linear weights are stored transposed ([in, out]) for MatMul: a conversion-time transformation
 * (STYLE.md rule 9), so the initializer keeps the checkpoint name but not the checkpoint layout.
 */
import { type GraphBuilder, type QuantizedWeight, quantizeMatMulNBits, type Value } from '@nvlm-ts/onnx';
import { f32ToF16 } from '@nvlm-ts/safetensors';
import { ArchError } from './errors.js';
import type { FloatType, GraphWeights } from './graph-weights.js';
import { graphShape, sanitizeTensor, type WeightSpec } from './weights.js';

/** Reads one checkpoint tensor as float32, in checkpoint layout, with its stored shape. */
export type WeightLoader = (name: string) => Promise<{ data: Float32Array; shape: readonly number[] }>;

export type WeightDtype = 'fp32' | 'fp16' | 'int8' | 'int4';

export interface WeightFormat {
  readonly dtype: WeightDtype;
  /** MatMulNBits block size along K (int8/int4), a power of 2 >= 16; default 32. */
  readonly blockSize?: number;
  /** Symmetric blocks (no zero points; default) or asymmetric with per-block zero points. */
  readonly symmetric?: boolean;
  /**
   * MatMulNBits `accuracy_level` (int8/int4): the lowest precision onnxruntime may compute in. 4
   * (default) quantises the activations to int8 per block and runs int8 dot products, onnxruntime's
   * fast CPU path (on the 0.5B-shaped bench decoder: int4 1.6x, int8 28x faster than 1 = fp32
   * compute, logit error unchanged within 0.1%); 0 leaves it unset (onnxruntime's default, fp32).
   */
  readonly accuracyLevel?: MatMulAccuracyLevel;
}

/** MatMulNBits compute precision levels: 0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8. */
export type MatMulAccuracyLevel = 0 | 1 | 2 | 3 | 4;

/** The default MatMulNBits accuracy level of int8/int4 graphs. */
export const DEFAULT_ACCURACY_LEVEL: MatMulAccuracyLevel = 4;

/** Transposes a row-major [rows, cols] matrix. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c]!;
  }
  return out;
}

/**
 * Weights for ONE graph (initializers belong to a graph: make one instance per graph built).
 * Tensors are read from `load` only when the model is written, once each.
 */
export class CheckpointWeights implements GraphWeights {
  readonly #specs: ReadonlyMap<string, WeightSpec>;
  readonly #load: WeightLoader;
  readonly #format: Required<WeightFormat>;
  readonly #values = new Map<string, Value>();
  readonly #linears = new Map<
    string,
    { weight: Value; scales?: Value; zeroPoints?: Value; n: number; k: number }
  >();

  readonly floatType: FloatType;

  constructor(specs: readonly WeightSpec[], load: WeightLoader, format: WeightFormat = { dtype: 'fp32' }) {
    this.#specs = new Map(specs.map((s) => [s.name, s]));
    this.#load = load;
    this.#format = { blockSize: 32, symmetric: true, accuracyLevel: DEFAULT_ACCURACY_LEVEL, ...format };
    this.floatType = format.dtype === 'fp16' ? 'float16' : 'float32';
  }

  /** Float data in the graph's float type. */
  #asFloat(data: Float32Array): Float32Array | Uint16Array {
    return this.floatType === 'float16' ? f32ToF16(data) : data;
  }

  /** Names of the checkpoint tensors this graph reads. */
  get used(): string[] {
    return [...this.#values.keys(), ...this.#linears.keys()];
  }

  #spec(name: string): WeightSpec {
    const spec = this.#specs.get(name);
    if (!spec) throw new ArchError('INTERNAL', `graph asks for '${name}', which no weight spec lists`);
    return spec;
  }

  /** Loads a tensor and converts it to graph layout, checking shape and dummy heads. */
  async #graphTensor(name: string): Promise<Float32Array> {
    const spec = this.#spec(name);
    let loaded: Awaited<ReturnType<WeightLoader>>;
    try {
      loaded = await this.#load(name);
    } catch (error) {
      if (error instanceof ArchError) throw error;
      throw new ArchError('MISSING_TENSOR', `cannot read tensor '${name}': ${(error as Error).message}`, {
        cause: error,
      });
    }
    return sanitizeTensor(spec, loaded.data, loaded.shape);
  }

  tensor(g: GraphBuilder, name: string): Value {
    const cached = this.#values.get(name);
    if (cached) return cached;
    const dims = graphShape(this.#spec(name));
    const value = g.initializer(name, this.floatType, dims, async () =>
      this.#asFloat(await this.#graphTensor(name)),
    );
    this.#values.set(name, value);
    return value;
  }

  linear(
    g: GraphBuilder,
    x: Value,
    weightName: string,
    biasName: string | undefined,
    nodeName: string,
  ): Value {
    const w = this.#linear(g, weightName);
    const bias = biasName === undefined ? undefined : this.tensor(g, biasName);
    if (this.#format.dtype === 'fp32' || this.#format.dtype === 'fp16') {
      const y = g.matMul(x, w.weight, nodeName);
      return bias ? g.add(y, bias, `${nodeName}_bias`) : y;
    }
    return g.matMulNBits(
      x,
      w.weight,
      w.scales!,
      w.zeroPoints,
      bias,
      {
        K: w.k,
        N: w.n,
        bits: this.#format.dtype === 'int8' ? 8 : 4,
        blockSize: this.#format.blockSize,
        ...(this.#format.accuracyLevel !== 0 && { accuracyLevel: this.#format.accuracyLevel }),
      },
      nodeName,
    );
  }

  #linear(g: GraphBuilder, name: string) {
    const cached = this.#linears.get(name);
    if (cached) return cached;
    const shape = graphShape(this.#spec(name));
    if (shape.length !== 2)
      throw new ArchError('INTERNAL', `linear weight '${name}' must be 2-D, got [${shape.join(', ')}]`);
    const [n, k] = shape as [number, number];
    let entry: { weight: Value; scales?: Value; zeroPoints?: Value; n: number; k: number };
    if (this.#format.dtype === 'fp32' || this.#format.dtype === 'fp16') {
      const weight = g.initializer(name, this.floatType, [k, n], async () =>
        this.#asFloat(transpose2d(await this.#graphTensor(name), n, k)),
      );
      entry = { weight, n, k };
    } else {
      const bits = this.#format.dtype === 'int8' ? 8 : 4;
      const { blockSize, symmetric } = this.#format;
      const nBlocks = Math.ceil(k / blockSize);
      // The three initializers are written one after another: quantise once, share the result.
      let pending: Promise<QuantizedWeight> | undefined;
      const quantized = () => {
        pending ??= this.#graphTensor(name).then((data) =>
          quantizeMatMulNBits(data, n, k, { bits, blockSize, symmetric }),
        );
        return pending;
      };
      const weight = g.initializer(
        name,
        'uint8',
        [n, nBlocks, (blockSize * bits) / 8],
        async () => (await quantized()).b,
      );
      const scales = g.initializer(
        `${name}_scales`,
        'float32',
        [n * nBlocks],
        async () => (await quantized()).scales,
      );
      const zeroPoints = symmetric
        ? undefined
        : g.initializer(`${name}_zero_points`, 'uint8', [n * Math.ceil((nBlocks * bits) / 8)], async () => {
            const q = await quantized();
            pending = undefined; // last use: let the quantised copy go
            return q.zeroPoints!;
          });
      entry = { weight, scales, ...(zeroPoints && { zeroPoints }), n, k };
    }
    this.#linears.set(name, entry);
    return entry;
  }
}
