import { describe, expect, it } from 'vitest';
import { SafetensorsError } from './errors.js';
import { MAX_HEADER_BYTES } from './header.js';
import {
  blobSource,
  openSafetensorsBlob,
  openSafetensorsBuffer,
  openSafetensorsResponse,
  SafetensorsReader,
} from './reader.js';

/** Builds a file by hand: 8-byte little-endian length, the header text as given, then `data`. */
function file(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  headerText?: string,
): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

async function codeOf(bytes: Uint8Array): Promise<string> {
  try {
    await openSafetensorsBuffer(bytes, 'bad.safetensors');
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as SafetensorsError).file).toBe('bad.safetensors');
    return (error as SafetensorsError).code;
  }
  return 'no error';
}

describe('SafetensorsReader', () => {
  // Hand-laid file: a = F32 [2] (1.5, -2), b = I64 [1] (7), c = BF16 [2] (1, -3), in that byte order.
  const data = new Uint8Array(8 + 8 + 4);
  const dv = new DataView(data.buffer);
  dv.setFloat32(0, 1.5, true);
  dv.setFloat32(4, -2, true);
  dv.setBigInt64(8, 7n, true);
  dv.setUint16(16, 0x3f80, true);
  dv.setUint16(18, 0xc040, true);
  const good = file(
    {
      c: { dtype: 'BF16', shape: [2], data_offsets: [16, 20] },
      __metadata__: { format: 'pt' },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'I64', shape: [1], data_offsets: [8, 16] },
    },
    data,
  );

  it('lists tensors in offset order with absolute offsets and metadata', async () => {
    const r = await openSafetensorsBuffer(good);
    expect(r.names()).toEqual(['a', 'b', 'c']);
    expect(r.metadata).toEqual({ format: 'pt' });
    const headerLength = good.byteLength - data.byteLength - 8;
    expect(r.info('b')).toMatchObject({
      dtype: 'I64',
      shape: [1],
      numel: 1,
      byteOffset: 8 + headerLength + 8,
      byteLength: 8,
    });
  });

  it('reads typed arrays and float32, copying when the offset is unaligned', async () => {
    const r = await openSafetensorsBuffer(good);
    // The header length here is not a multiple of 8, so the I64 view must be a copy.
    expect([...(await r.readTyped<'F32'>('a'))]).toEqual([1.5, -2]);
    expect([...(await r.readTyped<'I64'>('b'))]).toEqual([7n]);
    expect([...(await r.readFloat32('c'))]).toEqual([1, -3]);
    await expect(r.readFloat32('b')).rejects.toThrow(TypeError);
  });

  it('reads row ranges along the first dimension', async () => {
    const r = await openSafetensorsBuffer(good);
    expect([...new Float32Array((await r.readRows('a', 1, 2)).slice().buffer)]).toEqual([-2]);
    expect((await r.readRows('c', 0, 0)).byteLength).toBe(0);
    await expect(r.readRows('a', 1, 3)).rejects.toThrow(/0 <= start <= end <= 2/);
  });

  it('streams entries in offset order', async () => {
    const r = await openSafetensorsBuffer(good);
    const seen: [string, number][] = [];
    for await (const { info, bytes } of r.entries()) seen.push([info.name, bytes.byteLength]);
    expect(seen).toEqual([
      ['a', 8],
      ['b', 8],
      ['c', 4],
    ]);
  });

  it('names the file and tensor when a tensor is missing', async () => {
    const r = await openSafetensorsBuffer(good, 'm.safetensors');
    expect(() => r.info('zzz')).toThrow(
      expect.objectContaining({ code: 'MISSING_TENSOR', tensor: 'zzz', file: 'm.safetensors' }),
    );
  });

  it('reads from a Blob with ranged slices and from a Response', async () => {
    const blob = new Blob([good]);
    const r = await openSafetensorsBlob(blob, 'x.safetensors');
    expect([...(await r.readFloat32('a'))]).toEqual([1.5, -2]);
    const viaResponse = await openSafetensorsResponse(new Response(good));
    expect(viaResponse.names()).toEqual(['a', 'b', 'c']);
    await expect(openSafetensorsResponse(new Response('', { status: 404 }))).rejects.toMatchObject({
      code: 'IO',
    });
  });

  it('accepts an empty file with a {} header and zero-sized tensors', async () => {
    expect((await openSafetensorsBuffer(file({}))).tensors).toEqual([]);
    const r = await openSafetensorsBuffer(file({ e: { dtype: 'F32', shape: [0, 3], data_offsets: [0, 0] } }));
    expect((await r.readBytes('e')).byteLength).toBe(0);
  });

  it('turns a failing source into an IO error with the cause', async () => {
    const source = {
      ...blobSource(new Blob([good]), 'flaky'),
      read: () => Promise.reject(new Error('disk on fire')),
    };
    await expect(SafetensorsReader.open(source)).rejects.toMatchObject({ code: 'IO', file: 'flaky' });
  });
});

describe('lying headers', () => {
  const f32 = (offsets: [number, number], shape = [1]) => ({ dtype: 'F32', shape, data_offsets: offsets });
  const four = new Uint8Array(4);

  it('file shorter than the length prefix', async () => {
    expect(await codeOf(new Uint8Array(5))).toBe('TRUNCATED');
  });
  it('header length larger than the file', async () => {
    const bytes = file({}, four);
    new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
    expect(await codeOf(bytes)).toBe('TRUNCATED');
  });
  it('header length above the 100 MB cap', async () => {
    const bytes = file({});
    new DataView(bytes.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES + 1), true);
    expect(await codeOf(bytes)).toBe('BAD_HEADER');
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(await codeOf(bytes)).toBe('BAD_HEADER');
  });
  it('non-JSON, non-object and non-UTF-8 headers', async () => {
    expect(await codeOf(file(null, four, '{"a": nope}'))).toBe('BAD_HEADER');
    expect(await codeOf(file(null, undefined, '[1, 2]'))).toBe('BAD_HEADER');
    const bad = file(null, undefined, '{}');
    bad[9] = 0xff; // invalid UTF-8 inside
    expect(await codeOf(bad)).toBe('BAD_HEADER');
  });
  it('metadata values that are not strings', async () => {
    expect(await codeOf(file({ __metadata__: { n: 1 } }))).toBe('BAD_HEADER');
  });
  it('offsets past the end of the file', async () => {
    expect(await codeOf(file({ a: f32([0, 4]), b: f32([4, 8]) }, four))).toBe('TRUNCATED');
  });
  it('overlapping ranges', async () => {
    expect(await codeOf(file({ a: f32([0, 8], [2]), b: f32([4, 8]) }, new Uint8Array(8)))).toBe('OVERLAP');
  });
  it('gaps, trailing bytes and reversed offsets', async () => {
    expect(await codeOf(file({ a: f32([4, 8]) }, new Uint8Array(8)))).toBe('BAD_OFFSETS');
    expect(await codeOf(file({ a: f32([0, 4]) }, new Uint8Array(8)))).toBe('BAD_OFFSETS');
    expect(await codeOf(file({ a: f32([4, 0] as [number, number]) }, four))).toBe('BAD_OFFSETS');
    expect(await codeOf(file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4.5] } }, four))).toBe(
      'BAD_OFFSETS',
    );
  });
  it('wrong byte length for the shape', async () => {
    expect(await codeOf(file({ a: f32([0, 8], [3]) }, new Uint8Array(8)))).toBe('SHAPE_MISMATCH');
  });
  it('bad shapes', async () => {
    expect(await codeOf(file({ a: f32([0, 4], [-1]) }, four))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(file({ a: f32([0, 4], [1.5]) }, four))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(file({ a: { dtype: 'F32', shape: 'x', data_offsets: [0, 4] } }, four))).toBe(
      'SHAPE_MISMATCH',
    );
    expect(await codeOf(file({ a: f32([0, 4], [2 ** 40, 2 ** 40]) }, four))).toBe('SHAPE_MISMATCH');
  });
  it('unknown dtypes', async () => {
    expect(
      await codeOf(file({ a: { dtype: 'F8_E9M9', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1))),
    ).toBe('UNKNOWN_DTYPE');
  });
  it('names the offending tensor', async () => {
    await expect(
      openSafetensorsBuffer(file({ w: f32([0, 8], [3]) }, new Uint8Array(8)), 'f'),
    ).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
      tensor: 'w',
      message: expect.stringContaining("tensor 'w'"),
    });
  });
});
