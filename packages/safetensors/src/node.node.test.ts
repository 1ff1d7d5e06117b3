import { mkdir, mkdtemp, open, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHeader } from './header.js';
import { openCheckpoint, openSafetensors, writeSafetensorsFile } from './node.js';
import { serialize } from './writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvlm-safetensors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('files', () => {
  it('writes atomically and reads back with positioned reads', async () => {
    const path = join(dir, 'one.safetensors');
    const n = await writeSafetensorsFile(path, [
      { name: 'w', dtype: 'F16', shape: [2], data: new Uint16Array([0x3c00, 0xc000]) },
      { name: 'b', dtype: 'F32', shape: [1], data: async () => new Float32Array([0.25]) },
    ]);
    expect((await readFile(path)).byteLength).toBe(n);
    const r = await openSafetensors(path);
    try {
      expect([...(await r.readFloat32('w'))]).toEqual([1, -2]);
      expect([...(await r.readFloat32('b'))]).toEqual([0.25]);
    } finally {
      await r.close();
    }
  });

  it('leaves nothing behind when a write fails', async () => {
    const path = join(dir, 'failed.safetensors');
    await expect(
      writeSafetensorsFile(path, [
        { name: 'a', dtype: 'F32', shape: [1], data: new Float32Array(1) },
        { name: 'b', dtype: 'F32', shape: [2], data: new Float32Array(1) },
      ]),
    ).rejects.toMatchObject({ code: 'SHAPE_MISMATCH', tensor: 'b' });
    expect((await readdir(dir)).filter((f) => f.startsWith('failed'))).toEqual([]);
    await expect(
      writeSafetensorsFile(path, [{ name: 'a', dtype: 'F32', shape: [-1], data: new Float32Array(1) }]),
    ).rejects.toThrow(RangeError);
    expect((await readdir(dir)).filter((f) => f.startsWith('failed'))).toEqual([]);
  });

  it('reports a missing file as IO and a truncated file as TRUNCATED', async () => {
    await expect(openSafetensors(join(dir, 'nope.safetensors'))).rejects.toMatchObject({ code: 'IO' });
    const bytes = serialize([{ name: 'x', dtype: 'F32', shape: [4], data: new Float32Array(4) }]);
    const path = join(dir, 'cut.safetensors');
    await writeFile(path, bytes.subarray(0, bytes.byteLength - 3));
    await expect(openSafetensors(path)).rejects.toMatchObject({ code: 'TRUNCATED', file: path });
  });

  it('reads a tensor beyond 2 GiB in a sparse file without loading the file', async () => {
    const big = 2 ** 31 + 24; // U8 filler so the tail tensor starts past 2 GiB
    const { bytes: header } = buildHeader(
      [
        { name: 'filler', dtype: 'U8', shape: [big] },
        { name: 'tail', dtype: 'F32', shape: [3] },
      ],
      undefined,
    );
    const path = join(dir, 'sparse.safetensors');
    await writeFile(path, header);
    const tailOffset = header.byteLength + big;
    await truncate(path, tailOffset + 12);
    const handle = await open(path, 'r+');
    await handle.write(new Uint8Array(new Float32Array([1, -2, 3.5]).buffer), 0, 12, tailOffset);
    await handle.close();
    const r = await openSafetensors(path);
    try {
      expect(r.info('tail').byteOffset).toBe(tailOffset);
      expect([...(await r.readFloat32('tail'))]).toEqual([1, -2, 3.5]);
    } finally {
      await r.close();
    }
  });
});

describe('checkpoints', () => {
  const shard = (names: string[], value: number) =>
    serialize(
      names.map((name) => ({ name, dtype: 'F32' as const, shape: [1], data: new Float32Array([value]) })),
    );

  async function sharded(name: string, weightMap: Record<string, string>, files: Record<string, Uint8Array>) {
    const d = join(dir, name);
    await rm(d, { recursive: true, force: true });
    await mkdir(d);
    await writeFile(
      join(d, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: { total_size: 12 }, weight_map: weightMap }),
    );
    for (const [f, bytes] of Object.entries(files)) await writeFile(join(d, f), bytes);
    return d;
  }

  it('opens a sharded directory through its index, in shard then offset order', async () => {
    const d = await sharded(
      'sharded',
      { a: 'm-1.safetensors', b: 'm-1.safetensors', c: 'm-2.safetensors' },
      { 'm-1.safetensors': shard(['a', 'b'], 1), 'm-2.safetensors': shard(['c'], 2) },
    );
    const ck = await openCheckpoint(d);
    try {
      expect(ck.names()).toEqual(['a', 'b', 'c']);
      expect(ck.info('c').shard).toBe(join(d, 'm-2.safetensors'));
      expect([...(await ck.readFloat32('c'))]).toEqual([2]);
      expect(ck.index?.metadata).toEqual({ total_size: 12 });
      const names: string[] = [];
      for await (const { info } of ck.entries()) names.push(info.name);
      expect(names).toEqual(['a', 'b', 'c']);
      expect(() => ck.info('d')).toThrow(expect.objectContaining({ code: 'MISSING_TENSOR', tensor: 'd' }));
    } finally {
      await ck.close();
    }
  });

  it('reports a missing shard, a tensor absent from its shard, and a duplicate', async () => {
    const missing = await sharded(
      'missing',
      { a: 'm-1.safetensors', c: 'm-2.safetensors' },
      { 'm-1.safetensors': shard(['a'], 1) },
    );
    await expect(openCheckpoint(missing)).rejects.toMatchObject({
      code: 'MISSING_SHARD',
      file: join(missing, 'm-2.safetensors'),
    });
    const absent = await sharded(
      'absent',
      { a: 'm-1.safetensors', z: 'm-1.safetensors' },
      { 'm-1.safetensors': shard(['a'], 1) },
    );
    await expect(openCheckpoint(absent)).rejects.toMatchObject({ code: 'MISSING_TENSOR', tensor: 'z' });
    const dup = await sharded(
      'dup',
      { a: 'm-1.safetensors', b: 'm-2.safetensors' },
      { 'm-1.safetensors': shard(['a', 'b'], 1), 'm-2.safetensors': shard(['b'], 2) },
    );
    await expect(openCheckpoint(dup)).rejects.toMatchObject({ code: 'BAD_INDEX', tensor: 'b' });
    const outside = await sharded('escape', { a: '../x.safetensors' }, {});
    await expect(openCheckpoint(outside)).rejects.toMatchObject({ code: 'BAD_INDEX' });
  });

  it('opens a single-file directory and rejects an empty one', async () => {
    const d = join(dir, 'single');
    await mkdir(d);
    await expect(openCheckpoint(d)).rejects.toMatchObject({ code: 'MISSING_SHARD' });
    await writeFile(join(d, 'model.safetensors'), shard(['x'], 3));
    const ck = await openCheckpoint(d);
    expect([...(await ck.readFloat32('x'))]).toEqual([3]);
    await ck.close();
  });
});
