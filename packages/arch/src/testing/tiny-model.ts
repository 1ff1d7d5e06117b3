/**
 * Test support: a tiny model held in memory (config, checkpoint-layout tensors, graph-layout
 * reference weights) and a way to run graphs in onnxruntime-node. Used by this package's tests and
 * exported as `@nvlm-ts/arch/testing` for the runtime's parity tests.
 */

import type { Architecture } from '../architecture.js';
import { CheckpointWeights, type WeightFormat } from '../checkpoint-weights.js';
import type { NvlmArchId, NvlmConfig } from '../config/nvlm.js';
import type { ReferenceWeights } from '../reference/nvlm.js';
import { loadConfig } from '../registry.js';
import { tinyConfigJson, tinyTensor } from '../tiny.js';
import { graphShape, sanitizeTensor, type WeightSpec } from '../weights.js';

export interface TinyModel {
  readonly architecture: Architecture;
  readonly config: NvlmConfig;
  readonly specs: readonly WeightSpec[];
  /** Checkpoint-layout tensors (dummy heads included). */
  readonly tensors: ReadonlyMap<string, Float32Array>;
  /** Graph-layout weights for the float64 reference. */
  readonly reference: ReferenceWeights;
  /** A fresh weight provider (one per graph). */
  weights(format?: WeightFormat): CheckpointWeights;
}

/** The tiny model of `arch` with weights from `seed`; `edit` may change tensors (e.g. zero gates). */
export function tinyModel(
  arch: NvlmArchId,
  seed = 0,
  edit?: (name: string, data: Float32Array) => void,
  configEdit?: (config: Record<string, any>) => void,
): TinyModel {
  const configJson = tinyConfigJson(arch);
  configEdit?.(configJson);
  const { architecture, config } = loadConfig(configJson);
  const specs = architecture.weightSpecs(config);
  const tensors = new Map<string, Float32Array>();
  const sanitized = new Map<string, { data: Float32Array; shape: readonly number[] }>();
  for (const spec of specs) {
    const data = tinyTensor(spec, seed);
    edit?.(spec.name, data);
    tensors.set(spec.name, data);
    sanitized.set(spec.name, { data: sanitizeTensor(spec, data, spec.shape), shape: graphShape(spec) });
  }
  const bySpec = new Map(specs.map((s) => [s.name, s]));
  return {
    architecture,
    config,
    specs,
    tensors,
    reference: {
      get(name) {
        const t = sanitized.get(name);
        if (!t) throw new Error(`reference asks for unknown tensor '${name}'`);
        return t;
      },
    },
    weights: (format) =>
      new CheckpointWeights(
        specs,
        async (name) => {
          const data = tensors.get(name);
          if (!data) throw new Error(`no tensor '${name}'`);
          return { data, shape: bySpec.get(name)!.shape };
        },
        format,
      ),
  };
}

/** Deterministic test inputs in [-1, 1) (a LCG: independent of the weight PRNG). */
export function testValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Largest |a - b| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
