/**
 * `GraphBuilder`: the public, typed ONNX graph builder. Core (names, scopes, inputs, outputs,
 * initializers, constants) in `graph-core.ts`, default-domain ops in `ops-standard.ts`, com.microsoft
 * ops in `ops-contrib.ts`; this class only ties them together.
 *
 * ```ts
 * const g = new GraphBuilder({ name: 'decoder', opset: 21 });
 * const x = g.input('inputs_embeds', 'float32', ['batch', 'seq', 64]);
 * const w = g.initializer('model.layers.0.self_attn.q_proj.weight', 'float32', [64, 64], bytes);
 * const l = g.layer(0).scope('attn');
 * const q = l.matMul(x, l.transpose(w, [1, 0], 'q_proj_t'), 'q_proj'); // node 'layers.0.attn.q_proj'
 * g.output(q, 'q');
 * ```
 */

import { ContribOps } from './ops-contrib.js';

/** A typed ONNX graph builder: one method per operator, names scoped by layer. */
export class GraphBuilder extends ContribOps {}
