/** A one-node ONNX model (Identity on a float vector) for probing an execution provider. */
import { GraphBuilder, serializeModel } from '@nvlm-ts/onnx';

export async function probeModel(): Promise<Uint8Array> {
  const g = new GraphBuilder({ name: 'probe' });
  g.output(g.identity(g.input('x', 'float32', [1]), 'identity'), 'y', 'float32', [1]);
  return (await serializeModel(g)).model;
}
