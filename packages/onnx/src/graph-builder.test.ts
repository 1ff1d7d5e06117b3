import { describe, expect, it } from 'vitest';
import { OnnxError } from './errors.js';
import { GraphBuilder } from './graph-builder.js';
import { attributeValue, loadModel, tensorDtype, tensorLocation } from './loader.js';
import { serializeModel } from './model-writer.js';
import { AttributeType, DataType } from './onnx-proto.js';

function small() {
  const g = new GraphBuilder({ name: 'small', docString: 'test graph' });
  const x = g.input('x', 'float32', ['batch', 'seq', 4]);
  const w = g.initializer(
    'model.layers.3.self_attn.q_proj.weight',
    'float32',
    [4, 4],
    new Float32Array(16).fill(0.5),
  );
  const attn = g.layer(3).scope('attn');
  const q = attn.matMul(x, attn.transpose(w, [1, 0], 'q_proj_t'), 'q_proj');
  const r = attn.reshape(q, [0, 0, 2, 2], 'q_heads'); // [B, T, 4] -> [B, T, nh=2, hs=2]
  const s = attn.softmax(r, { axis: -1 });
  g.output(s, 'probs', 'float32', ['batch', 'seq', 2, 2]);
  return g;
}

describe('GraphBuilder names', () => {
  it('names nodes and values with the layer scope, llama.cpp style', async () => {
    const m = loadModel((await serializeModel(small())).model);
    const names = m.graph!.node!.map((n) => n.name);
    expect(names).toEqual([
      'layers.3.attn.q_proj_t',
      'layers.3.attn.q_proj',
      'layers.3.attn.q_heads.shape',
      'layers.3.attn.q_heads',
      'layers.3.attn.Softmax',
      'probs',
    ]);
    const reshape = m.graph!.node![3]!;
    expect(reshape.input).toEqual(['layers.3.attn.q_proj', 'layers.3.attn.q_heads.shape']);
    expect(m.graph!.node![5]).toMatchObject({
      opType: 'Identity',
      input: ['layers.3.attn.Softmax'],
      output: ['probs'],
    });
  });

  it('makes repeated names unique and keeps initializer names verbatim', () => {
    const g = new GraphBuilder({ name: 'g' });
    const x = g.input('x', 'float32', [2]);
    const a = g.scope('mlp').relu(x, 'act');
    const b = g.scope('mlp').relu(a, 'act');
    expect([a.name, b.name]).toEqual(['mlp.act', 'mlp.act_1']);
    expect(g.layer(0).scope('mlp').initializer('w.weight', 'float32', [1], new Float32Array(1)).name).toBe(
      'w.weight',
    );
  });

  it('rejects duplicate inputs/initializers, foreign values and bad arguments', () => {
    const g = new GraphBuilder({ name: 'g' });
    const x = g.input('x', 'float32', [2]);
    expect(() => g.input('x', 'float32', [2])).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_NAME', subject: 'x' }),
    );
    expect(() => g.initializer('x', 'float32', [1], new Float32Array(1))).toThrow(OnnxError);
    const other = new GraphBuilder({ name: 'h' }).input('y', 'float32', [2]);
    expect(() => g.add(x, other)).toThrow(expect.objectContaining({ code: 'FOREIGN_VALUE' }));
    expect(() => g.initializer('w', 'float32', [3], new Float32Array(2))).toThrow(
      expect.objectContaining({ code: 'BAD_INITIALIZER' }),
    );
    expect(() => g.input('z', 'float99' as 'float32', [1])).toThrow(TypeError);
    expect(() => g.input('z', 'float32', [-1])).toThrow(RangeError);
    expect(() => new GraphBuilder({ name: 'g', opset: 20 })).toThrow(
      /'options.opset' must be an integer in \[21, 26\]/,
    );
    expect(() => g.rmsNormalization(x, x)).toThrow(expect.objectContaining({ code: 'OPSET' }));
    expect(() => g.layer(-1)).toThrow(RangeError);
    expect(() => g.output(g.op('Custom', [x], { domain: 'x' })[0]!)).toThrow(/needs a 'dtype'/);
    expect(() =>
      g.groupQueryAttention(
        { query: x, seqlensK: x, totalSequenceLength: x },
        { numHeads: 3, kvNumHeads: 2 },
      ),
    ).toThrow(RangeError);
    expect(() =>
      g.matMulNBits(x, x, x, undefined, undefined, { K: 4, N: 4, bits: 3, blockSize: 16 }),
    ).toThrow(RangeError);
  });
});

describe('serialisation and loader round trip', () => {
  it('round-trips opsets, inputs with symbolic dims, attributes and raw data', async () => {
    const g = small();
    const x = g.input('ids', 'int64', ['batch', 7]);
    g.output(g.scope('cast').cast(x, 'float32', 'ids_f'));
    g.output(g.gelu(g.input('h', 'float32', [1]), { approximate: 'tanh' }, 'gelu'));
    g.skipSimplifiedLayerNormalization(
      g.input('r', 'float32', [1]),
      g.input('s', 'float32', [1]),
      g.float32([1]),
      undefined,
      { epsilon: 1e-6 },
      'ssln',
    );
    const m = loadModel(
      (await serializeModel(g, { producerVersion: '0.0.0', metadata: { arch: 'test' } })).model,
    );
    expect(m.irVersion).toBe(10);
    expect(m.opsetImport).toEqual([{ version: 21 }, { domain: 'com.microsoft', version: 1 }]);
    expect(m.producerName).toBe('@nvlm-ts/onnx');
    expect(m.metadataProps).toEqual([{ key: 'arch', value: 'test' }]);
    expect(m.graph!.docString).toBe('test graph');
    expect(m.graph!.input![0]).toEqual({
      name: 'x',
      type: {
        tensorType: {
          elemType: DataType.FLOAT,
          shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'seq' }, { dimValue: 4 }] },
        },
      },
    });
    const init = m.graph!.initializer![0]!;
    expect(init.name).toBe('model.layers.3.self_attn.q_proj.weight');
    expect(init.dims).toEqual([4, 4]);
    expect(tensorDtype(init)).toBe('float32');
    expect(tensorLocation(init)).toEqual({ kind: 'inline', byteLength: 64 });
    expect([...new Float32Array(new Uint8Array(init.rawData!).buffer)]).toEqual(new Array(16).fill(0.5));
    const nodes = new Map(m.graph!.node!.map((n) => [n.name, n]));
    const transpose = nodes.get('layers.3.attn.q_proj_t')!;
    expect(transpose.attribute![0]).toMatchObject({ name: 'perm', type: AttributeType.INTS });
    expect(attributeValue(transpose.attribute![0]!)).toEqual([1, 0]);
    expect(attributeValue(nodes.get('cast.ids_f')!.attribute![0]!)).toBe(DataType.FLOAT);
    expect(attributeValue(nodes.get('gelu')!.attribute![0]!)).toBe('tanh');
    const ssln = nodes.get('ssln')!;
    expect(ssln.domain).toBe('com.microsoft');
    expect(ssln.output).toEqual(['ssln.output', '', '', 'ssln.input_skip_bias_sum']);
    expect(ssln.attribute![0]!.f).toBeCloseTo(1e-6, 12);
    const shapeConst = nodes.get('layers.3.attn.q_heads.shape')!;
    const t = attributeValue(shapeConst.attribute![0]!) as {
      rawData: Uint8Array;
      dataType: number;
      dims: number[];
    };
    expect(t.dataType).toBe(DataType.INT64);
    expect([...new BigInt64Array(new Uint8Array(t.rawData).buffer)]).toEqual([0n, 0n, 2n, 2n]);
  });

  it('is deterministic: the same graph gives identical bytes', async () => {
    const a = await serializeModel(small());
    const b = await serializeModel(small());
    expect(Buffer.from(a.model).equals(Buffer.from(b.model))).toBe(true);
  });

  it('writes IR 11 for opset 23 and decodes garbage as DECODE', async () => {
    const g = new GraphBuilder({ name: 'g', opset: 23 });
    g.output(g.relu(g.input('x', 'float32', [1])));
    expect(loadModel((await serializeModel(g)).model).irVersion).toBe(11);
    expect(() => loadModel(new Uint8Array([0x0a, 0xff, 0xff, 0xff]))).toThrow(
      expect.objectContaining({ code: 'DECODE' }),
    );
  });

  it('rejects lazy data of the wrong length when it is written', async () => {
    const g = new GraphBuilder({ name: 'g' });
    g.initializer('w', 'float32', [4], () => new Float32Array(3));
    await expect(serializeModel(g)).rejects.toMatchObject({ code: 'BAD_INITIALIZER', subject: 'w' });
    const h = new GraphBuilder({ name: 'h' });
    h.initializer('w', 'float32', [1], () => Promise.reject(new Error('disk gone')));
    await expect(serializeModel(h)).rejects.toMatchObject({
      code: 'BAD_INITIALIZER',
      message: expect.stringContaining('disk gone'),
    });
  });
});
