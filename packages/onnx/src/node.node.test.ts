/**
 * saveModel: external data files loaded by path in onnxruntime, lazy initializers, multi-file
 * splitting and alignment, deterministic bytes, and no leftovers on failure.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from './graph-builder.js';
import { loadModel, tensorLocation } from './loader.js';
import { serializeModel } from './model-writer.js';
import { saveModel } from './node.js';
import { expectClose, randomFloats, runModel } from './test-support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvlm-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const H = 64;
const w1 = randomFloats(H * H, 51);
const w2 = randomFloats(H * H, 52);
const bias = randomFloats(H, 53);

/** y = (x @ w1 + bias) @ w2, with w1 eager, w2 an async iterable in odd-sized chunks, bias a function. */
function twoLayer() {
  const g = new GraphBuilder({ name: 'two_layer' });
  const x = g.input('x', 'float32', ['batch', H]);
  const a = g.initializer('w1', 'float32', [H, H], w1);
  const b = g.initializer('w2', 'float32', [H, H], {
    async *[Symbol.asyncIterator]() {
      const bytes = new Uint8Array(w2.buffer);
      for (let o = 0; o < bytes.byteLength; o += 1000) yield bytes.slice(o, o + 1000);
    },
  });
  const c = g.initializer('bias', 'float32', [H], async () => bias);
  g.output(g.matMul(g.add(g.matMul(x, a, 'fc1'), c, 'fc1_bias'), b, 'fc2'), 'y');
  return g;
}

function reference(x: Float32Array): Float64Array {
  const hidden = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    let s = bias[j]!;
    for (let i = 0; i < H; i++) s += x[i]! * w1[i * H + j]!;
    hidden[j] = s;
  }
  const y = new Float64Array(H);
  for (let j = 0; j < H; j++) for (let i = 0; i < H; i++) y[j]! += hidden[i]! * w2[i * H + j]!;
  return y;
}

describe('saveModel', () => {
  it('writes external data that onnxruntime loads by path, aligned, split across files', async () => {
    const path = join(dir, 'model.onnx');
    const result = await saveModel(twoLayer(), path, {
      externalData: { threshold: 1024, alignment: 4096, maxFileBytes: 20_000 },
    });
    expect(result.externalFiles.map((f) => [f.location, f.tensors])).toEqual([
      ['model.onnx.data', ['w1']],
      ['model.onnx.data.1', ['w2']],
    ]);
    const m = loadModel(await readFile(path));
    const [i1, i2, i3] = m.graph!.initializer!;
    expect(tensorLocation(i1!)).toEqual({
      kind: 'external',
      location: 'model.onnx.data',
      offset: 0,
      length: H * H * 4,
    });
    expect(tensorLocation(i2!)).toEqual({
      kind: 'external',
      location: 'model.onnx.data.1',
      offset: 0,
      length: H * H * 4,
    });
    expect(tensorLocation(i3!)).toEqual({ kind: 'inline', byteLength: H * 4 }); // below the threshold
    expect((await readdir(dir)).sort()).toEqual(['model.onnx', 'model.onnx.data', 'model.onnx.data.1']);
    const x = randomFloats(H, 54);
    const out = await runModel(path, { x: { data: x, dims: [1, H] } });
    expectClose(out.y!.data as Float32Array, reference(x), 1e-4);
  });

  it('pads each tensor in one file to the alignment', async () => {
    const sub = await mkdtemp(join(dir, 'one-file-'));
    const path = join(sub, 'm.onnx');
    await saveModel(twoLayer(), path, { externalData: { threshold: 0, alignment: 4096 } });
    const m = loadModel(await readFile(path));
    const offsets = m.graph!.initializer!.map((t) => tensorLocation(t));
    expect(offsets.map((o) => (o.kind === 'external' ? o.offset : -1))).toEqual([0, 16384, 32768]);
    const data = await readFile(join(sub, 'm.onnx.data'));
    expect(data.byteLength).toBe(32768 + H * 4);
    expect(new Float32Array(data.buffer, data.byteOffset + 16384, H * H)).toEqual(w2);
    const x = randomFloats(H, 55);
    expectClose(
      (await runModel(path, { x: { data: x, dims: [1, H] } })).y!.data as Float32Array,
      reference(x),
      1e-4,
    );
  });

  it('gives byte-identical model and data files for the same graph', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await Promise.all([a, b].map((d) => mkdir(d)));
    await saveModel(twoLayer(), join(a, 'm.onnx'));
    await saveModel(twoLayer(), join(b, 'm.onnx'));
    for (const f of ['m.onnx', 'm.onnx.data']) {
      expect((await readFile(join(a, f))).equals(await readFile(join(b, f)))).toBe(true);
    }
    const inline = await serializeModel(twoLayer());
    expect(inline.externalFiles).toEqual([]);
    expect(
      loadModel(inline.model).graph!.initializer!.every((t) => tensorLocation(t).kind === 'inline'),
    ).toBe(true);
  });

  it('removes every partial file when a lazy source fails midway', async () => {
    const sub = await mkdtemp(join(dir, 'fail-'));
    const g = twoLayer();
    g.initializer('broken', 'float32', [H, H], {
      async *[Symbol.asyncIterator]() {
        yield new Uint8Array(100);
        throw new Error('source died');
      },
    });
    await expect(saveModel(g, join(sub, 'm.onnx'))).rejects.toMatchObject({
      code: 'BAD_INITIALIZER',
      subject: 'broken',
      message: expect.stringContaining('source died'),
    });
    expect(await readdir(sub)).toEqual([]);
  });

  it('reports progress per chunk and per tensor, and stops on abort leaving nothing behind', async () => {
    const sub = await mkdtemp(join(dir, 'progress-'));
    const seen: [string, number, number][] = [];
    await saveModel(twoLayer(), join(sub, 'm.onnx'), {
      onProgress: (p) => seen.push([p.tensor, p.tensorsDone, p.bytesDone]),
    });
    const total = 2 * H * H * 4 + H * 4;
    expect(seen[seen.length - 1]).toEqual(['bias', 3, total]);
    expect(seen.filter(([t]) => t === 'w2').length).toBeGreaterThan(16); // 1000-byte chunks of 16 KiB
    expect(seen.every(([, , b], i) => i === 0 || b >= seen[i - 1]![2])).toBe(true);
    const controller = new AbortController();
    const aborted = saveModel(twoLayer(), join(sub, 'n.onnx'), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.tensor === 'w2') controller.abort(new Error('user cancelled'));
      },
    });
    await expect(aborted).rejects.toThrow('user cancelled');
    expect((await readdir(sub)).sort()).toEqual(['m.onnx', 'm.onnx.data']);
  });

  it('refers to bytes already in an external file without copying them', async () => {
    const sub = await mkdtemp(join(dir, 'ref-'));
    await saveModel(twoLayer(), join(sub, 'base.onnx'), { externalData: { threshold: 0, alignment: 64 } });
    const base = loadModel(await readFile(join(sub, 'base.onnx')));
    const loc = tensorLocation(base.graph!.initializer![0]!);
    if (loc.kind !== 'external') throw new Error('expected external');
    const g = new GraphBuilder({ name: 'reuse' });
    const x = g.input('x', 'float32', [1, H]);
    g.output(g.matMul(x, g.initializer('w1', 'float32', [H, H], { external: loc })), 'y');
    await saveModel(g, join(sub, 'reuse.onnx'), { externalData: false });
    const xv = randomFloats(H, 56);
    const out = await runModel(join(sub, 'reuse.onnx'), { x: { data: xv, dims: [1, H] } });
    const want = Array.from({ length: H }, (_, j) => xv.reduce((s, v, i) => s + v * w1[i * H + j]!, 0));
    expectClose(out.y!.data as Float32Array, want, 1e-4);
  });
});
