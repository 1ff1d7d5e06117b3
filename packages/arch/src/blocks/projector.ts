/**
 * The `mlp1` projector from pixel-shuffled vision features to the LLM width (NVLM.md 7):
 * D and H: LayerNorm(4Hv) -> Linear(4Hv -> I, no bias) -> GELU -> Linear(I -> H, no bias).
 * X (DESIGN.md): LayerNorm(4Hv) -> Linear(4Hv -> H, no bias).
 */
import type { GraphBuilder, Value } from '@nvlm-ts/onnx';
import type { ProjectorConfig } from '../config/nvlm.js';
import type { GraphWeights } from '../graph-weights.js';
import type { WeightSpec } from '../weights.js';

export function projectorWeights(pc: ProjectorConfig): WeightSpec[] {
  const specs: WeightSpec[] = [
    { name: 'mlp1.0.weight', shape: [pc.inputSize], init: 'norm' },
    { name: 'mlp1.0.bias', shape: [pc.inputSize], init: 'bias' },
  ];
  if (pc.kind === 'linear') {
    specs.push({ name: 'mlp1.1.weight', shape: [pc.outputSize, pc.inputSize], init: 'normal' });
  } else {
    specs.push(
      { name: 'mlp1.1.weight', shape: [pc.hiddenSize, pc.inputSize], init: 'normal' },
      { name: 'mlp1.3.weight', shape: [pc.outputSize, pc.hiddenSize], init: 'normal' },
    );
  }
  return specs;
}

/**
 * Pixel shuffle v2, ratio 0.5 (NVLM.md 6): [T, g*g, Hv] -> [T, (g/2)^2, 4Hv] with
 * out[i, j] = concat(x[2i, 2j], x[2i, 2j+1], x[2i+1, 2j], x[2i+1, 2j+1]).
 */
export function pixelShuffleGraph(g: GraphBuilder, x: Value, grid: number, hidden: number): Value {
  const s = g.scope('pixel_shuffle');
  const half = grid / 2;
  let y = s.reshape(x, [-1, grid, half, 2 * hidden], 'pair_columns'); // [T, g*g, Hv] -> [T, g, g/2, 2Hv]
  y = s.transpose(y, [0, 2, 1, 3], 'swap_1'); // -> [T, g/2, g, 2Hv]
  y = s.reshape(y, [-1, half, half, 4 * hidden], 'pair_rows'); // -> [T, g/2, g/2, 4Hv]
  y = s.transpose(y, [0, 2, 1, 3], 'swap_2'); // -> [T, g/2 (rows), g/2 (cols), 4Hv]
  return s.reshape(y, [-1, half * half, 4 * hidden], 'tokens'); // -> [T, (g/2)^2, 4Hv]
}

/** `mlp1`: [.., 4Hv] -> [.., H]. */
export function projectorGraph(g: GraphBuilder, pc: ProjectorConfig, w: GraphWeights, x: Value): Value {
  const s = g.scope('mlp1');
  const ln = s.layerNormalization(
    x,
    w.tensor(s, 'mlp1.0.weight'),
    w.tensor(s, 'mlp1.0.bias'),
    {
      axis: -1,
      epsilon: pc.layerNormEps,
    },
    'norm',
  );
  if (pc.kind === 'linear') return w.linear(s, ln, 'mlp1.1.weight', undefined, 'linear');
  const hidden = s.gelu(w.linear(s, ln, 'mlp1.1.weight', undefined, 'fc1'), {}, 'act');
  return w.linear(s, hidden, 'mlp1.3.weight', undefined, 'fc2');
}
