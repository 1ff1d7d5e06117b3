import { describe, expect, it } from 'vitest';
import { openSafetensorsBuffer } from './reader.js';
import { serialize, writeSafetensors } from './writer.js';

const tensors = () => [
  { name: 'z.weight', dtype: 'F32' as const, shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
  { name: 'a.bias', dtype: 'BF16' as const, shape: [3], data: new Uint16Array([0x3f80, 0x4000, 0xc040]) },
  { name: 'ids', dtype: 'I64' as const, shape: [], data: () => new BigInt64Array([-5n]) },
  { name: 'mask', dtype: 'BOOL' as const, shape: [2], data: new Uint8Array([1, 0]) },
];

describe('serialize', () => {
  it('lays out the header as the spec says: u64 length, space padding to 8, insertion order', () => {
    const bytes = serialize(tensors(), { metadata: { format: 'pt' } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd()).toBe(
      JSON.stringify({
        __metadata__: { format: 'pt' },
        'z.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
        'a.bias': { dtype: 'BF16', shape: [3], data_offsets: [16, 22] },
        ids: { dtype: 'I64', shape: [], data_offsets: [22, 30] },
        mask: { dtype: 'BOOL', shape: [2], data_offsets: [30, 32] },
      }),
    );
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    expect(bytes.byteLength).toBe(8 + n + 32);
  });

  it('round-trips through the reader', async () => {
    const r = await openSafetensorsBuffer(serialize(tensors()));
    expect([...(await r.readFloat32('z.weight'))]).toEqual([1, 2, 3, 4]);
    expect([...(await r.readFloat32('a.bias'))]).toEqual([1, 2, -3]);
    expect([...(await r.readTyped<'I64'>('ids'))]).toEqual([-5n]);
    expect(r.info('ids').shape).toEqual([]);
    expect([...(await r.readTyped<'BOOL'>('mask'))]).toEqual([1, 0]);
  });

  it('is deterministic', () => {
    expect(serialize(tensors())).toEqual(serialize(tensors()));
  });

  it('rejects bad arguments and wrong data lengths', () => {
    const one = (patch: object) => [
      { name: 'x', dtype: 'F32' as const, shape: [1], data: new Float32Array(1), ...patch },
    ];
    expect(() => serialize(one({ shape: [2] }))).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', tensor: 'x' }),
    );
    expect(() => serialize(one({ shape: [-1] }))).toThrow(RangeError);
    expect(() => serialize(one({ dtype: 'F99' }))).toThrow(TypeError);
    expect(() => serialize(one({ name: '__metadata__' }))).toThrow(TypeError);
    expect(() => serialize([...one({}), ...one({})])).toThrow(/duplicate/);
    expect(() => serialize(one({ data: async () => new Float32Array(1) }))).toThrow(/synchronous/);
  });
});

describe('writeSafetensors', () => {
  it('streams the same bytes as serialize, pulling lazy data one tensor at a time', async () => {
    const chunks: Uint8Array[] = [];
    const pulled: string[] = [];
    const lazy = tensors().map((t) => ({
      ...t,
      data: async () => {
        pulled.push(t.name);
        return typeof t.data === 'function' ? t.data() : t.data;
      },
    }));
    const n = await writeSafetensors({ write: async (c) => void chunks.push(c.slice()) }, lazy);
    const joined = new Uint8Array(n);
    let o = 0;
    for (const c of chunks) {
      joined.set(c, o);
      o += c.byteLength;
    }
    expect(joined).toEqual(serialize(tensors()));
    expect(pulled).toEqual(['z.weight', 'a.bias', 'ids', 'mask']);
  });

  it('wraps sink failures as IO errors', async () => {
    await expect(
      writeSafetensors({ write: () => Promise.reject(new Error('full')) }, tensors(), { file: 'out' }),
    ).rejects.toMatchObject({ code: 'IO', file: 'out' });
  });
});
