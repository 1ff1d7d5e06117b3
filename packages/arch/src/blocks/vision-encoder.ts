/**
 * InternViT-6B-448px-V1-5 (NVLM.md 5): patch embedding, CLS + position embedding, pre-norm layers
 * with joint q/k RMSNorm and layer scale, no final norm: its weight specs and its graph.
 */
import type { GraphBuilder, Value } from '@nvlm-ts/onnx';
import type { VisionConfig } from '../config/vision.js';
import type { GraphWeights } from '../graph-weights.js';
import type { WeightSpec } from '../weights.js';
import { castTo, floatConst, mergeHeads, rmsNorm, splitHeads } from './common.js';

/** Vision tower tensors, with the dummy-head slicing of NVLM.md 5.3 as conversion-time fix-ups. */
export function visionEncoderWeights(v: VisionConfig): WeightSpec[] {
  const h = v.hiddenSize;
  const padded = (v.numHeads + v.numDummyHeads) * v.headDim; // 4096 for InternViT-6B in NVLM
  const dummy = v.numDummyHeads > 0;
  const p = (name: string) => `vision_model.${name}`;
  const specs: WeightSpec[] = [
    { name: p('embeddings.class_embedding'), shape: [1, 1, h], init: 'normal' },
    {
      name: p('embeddings.patch_embedding.weight'),
      shape: [h, v.numChannels, v.patchSize, v.patchSize],
      init: 'normal',
    },
    { name: p('embeddings.patch_embedding.bias'), shape: [h], init: 'bias' },
    { name: p('embeddings.position_embedding'), shape: [1, v.gridSize * v.gridSize + 1, h], init: 'normal' },
  ];
  const heads = (blocks: number, axis: 0 | 1 = 0) => ({ axis, blocks, real: h, padded }) as const;
  for (let l = 0; l < v.numLayers; l++) {
    const pre = p(`encoder.layers.${l}`);
    // q, k and v each hold the real heads first, then the zero dummy heads.
    specs.push({
      name: `${pre}.attn.qkv.weight`,
      shape: [3 * padded, h],
      ...(dummy && { padding: heads(3) }),
      init: 'normal',
    });
    if (v.qkvBias) {
      specs.push({
        name: `${pre}.attn.qkv.bias`,
        shape: [3 * padded],
        ...(dummy && { padding: heads(3) }),
        init: 'bias',
      });
    }
    if (v.qkNorm) {
      for (const which of ['q_norm', 'k_norm']) {
        specs.push({
          name: `${pre}.attn.${which}.weight`,
          shape: [padded],
          ...(dummy && { padding: heads(1) }),
          init: 'norm',
        });
      }
    }
    specs.push(
      {
        name: `${pre}.attn.proj.weight`,
        shape: [h, padded],
        ...(dummy && { padding: heads(1, 1) }),
        init: 'normal',
      },
      { name: `${pre}.attn.proj.bias`, shape: [h], init: 'bias' },
      { name: `${pre}.mlp.fc1.weight`, shape: [v.intermediateSize, h], init: 'normal' },
      { name: `${pre}.mlp.fc1.bias`, shape: [v.intermediateSize], init: 'bias' },
      { name: `${pre}.mlp.fc2.weight`, shape: [h, v.intermediateSize], init: 'normal' },
      { name: `${pre}.mlp.fc2.bias`, shape: [h], init: 'bias' },
      { name: `${pre}.norm1.weight`, shape: [h], init: 'norm' },
      { name: `${pre}.norm2.weight`, shape: [h], init: 'norm' },
      { name: `${pre}.ls1`, shape: [h], init: 'scale' },
      { name: `${pre}.ls2`, shape: [h], init: 'scale' },
    );
  }
  return specs;
}

/**
 * InternViT over `pixels` [T, C, S, S] -> hidden states without CLS [T, N, Hv] (N = (S/P)^2).
 * Node names: `embeddings.*`, `encoder.layers.{l}.{norm1,attn.*,ls1,norm2,mlp.*,ls2}`.
 */
export function visionEncoderGraph(
  g: GraphBuilder,
  v: VisionConfig,
  w: GraphWeights,
  pixels: Value,
  options: { readonly attention?: 'plain' | 'fused' } = {},
): Value {
  const h = v.hiddenSize;
  const n = v.gridSize * v.gridSize;
  const p = (name: string) => `vision_model.${name}`;
  const e = g.scope('embeddings');
  const patches = e.conv(
    castTo(e, pixels, w.floatType, 'pixels'),
    w.tensor(e, p('embeddings.patch_embedding.weight')),
    w.tensor(e, p('embeddings.patch_embedding.bias')),
    { kernelShape: [v.patchSize, v.patchSize], strides: [v.patchSize, v.patchSize] },
    'patch_embedding',
  ); // [T, Hv, g, g]
  const flat = e.reshape(patches, [0, h, n], 'patch_flatten'); // [T, Hv, g, g] -> [T, Hv, N]
  const tokens = e.transpose(flat, [0, 2, 1], 'patch_tokens'); // [T, Hv, N] -> [T, N, Hv]
  const tiles = e.shape(pixels, { start: 0, end: 1 }, 'tiles'); // [1] = T
  const clsShape = e.concat([tiles, e.int64([1, h], 'cls_dims')], 0, 'cls_shape');
  const cls = e.expand(w.tensor(e, p('embeddings.class_embedding')), clsShape, 'cls'); // [1, 1, Hv] -> [T, 1, Hv]
  let x = e.concat([cls, tokens], 1, 'with_cls'); // [T, N + 1, Hv]
  x = e.add(x, w.tensor(e, p('embeddings.position_embedding')), 'position'); // + [1, N + 1, Hv]

  const scale =
    options.attention === 'fused'
      ? undefined
      : floatConst(g, w.floatType, 1 / Math.sqrt(v.headDim), 'attn_scale');
  for (let l = 0; l < v.numLayers; l++) {
    const lg = g.layer(l, 'encoder.layers');
    const pre = p(`encoder.layers.${l}`);
    const a = lg.scope('attn');
    const n1 = rmsNorm(lg, w, x, `${pre}.norm1.weight`, v.normEps, 'norm1');
    const qkv = w.linear(
      a,
      n1,
      `${pre}.attn.qkv.weight`,
      v.qkvBias ? `${pre}.attn.qkv.bias` : undefined,
      'qkv',
    );
    let [q, k, val] = a.split(qkv, -1, [h, h, h], 'qkv_split') as [Value, Value, Value]; // 3 x [T, N+1, Hv]
    if (v.qkNorm) {
      // One RMSNorm across all heads jointly (NVLM.md 5.1).
      q = rmsNorm(a, w, q, `${pre}.attn.q_norm.weight`, v.normEps, 'q_norm');
      k = rmsNorm(a, w, k, `${pre}.attn.k_norm.weight`, v.normEps, 'k_norm');
    }
    let ctx: Value; // [T, N+1, Hv]
    if (options.attention === 'fused') {
      // Bidirectional, no mask: com.microsoft MultiHeadAttention on [T, N+1, Hv] directly.
      ctx = a.multiHeadAttention(
        { query: q, key: k, value: val },
        { numHeads: v.numHeads, scale: 1 / Math.sqrt(v.headDim) },
        'mha',
      );
    } else {
      const qh = splitHeads(a, a.mul(q, scale!, 'q_scaled'), v.numHeads, v.headDim, 'q'); // [T, nh, N+1, hd]
      const kh = splitHeads(a, k, v.numHeads, v.headDim, 'k');
      const vh = splitHeads(a, val, v.numHeads, v.headDim, 'v');
      const kt = a.transpose(kh, [0, 1, 3, 2], 'k_t'); // [T, nh, N+1, hd] -> [T, nh, hd, N+1]
      const probs = a.softmax(a.matMul(qh, kt, 'scores'), { axis: -1 }, 'probs'); // [T, nh, N+1, N+1]
      ctx = mergeHeads(a, a.matMul(probs, vh, 'context'), v.numHeads, v.headDim, 'merge'); // [T, nh, N+1, hd] -> [T, N+1, Hv]
    }
    const proj = w.linear(a, ctx, `${pre}.attn.proj.weight`, `${pre}.attn.proj.bias`, 'proj');
    x = lg.add(x, lg.mul(proj, w.tensor(lg, `${pre}.ls1`), 'ls1'), 'attn_residual');

    const n2 = rmsNorm(lg, w, x, `${pre}.norm2.weight`, v.normEps, 'norm2');
    const m = lg.scope('mlp');
    const fc1 = m.gelu(w.linear(m, n2, `${pre}.mlp.fc1.weight`, `${pre}.mlp.fc1.bias`, 'fc1'), {}, 'act');
    const fc2 = w.linear(m, fc1, `${pre}.mlp.fc2.weight`, `${pre}.mlp.fc2.bias`, 'fc2');
    x = lg.add(x, lg.mul(fc2, w.tensor(lg, `${pre}.ls2`), 'ls2'), 'mlp_residual');
  }
  return g.slice(x, [1], [n + 1], [1], undefined, 'drop_cls'); // [T, N + 1, Hv] -> [T, N, Hv]
}
