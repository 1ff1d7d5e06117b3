/**
 * @nvlm-ts/safetensors benchmarks (`pnpm bench`), each reported as a ratio against a named peer
 * measured in the same run:
 * - bf16 -> fp32 widening vs a plain DataView loop (the obvious hand-written alternative);
 * - fp32 -> bf16 rounding vs the same DataView approach;
 * - streaming every tensor of a 256 MiB file through `SafetensorsReader.entries()` vs `fs.readFile`
 *   of the whole file (the peer holds the whole file in memory; the reader holds one tensor).
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bf16ToF32, f32ToBf16, openSafetensors, writeSafetensorsFile } from '../src/node.js';

function time(fn: () => unknown, reps = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

async function timeAsync(fn: () => Promise<unknown>, reps = 3): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const n = 16 * 1024 * 1024;
const f32 = new Float32Array(n).map((_, i) => Math.sin(i) * 100);
const bf = f32ToBf16(f32);

const ours = time(() => bf16ToF32(bf));
const peer = time(() => {
  const src = new DataView(bf.buffer);
  const out = new DataView(new ArrayBuffer(n * 4));
  for (let i = 0; i < n; i++) out.setUint32(i * 4, src.getUint16(i * 2, true) << 16, true);
});
console.log(
  `bf16->f32 ${n} values: ${ours.toFixed(1)} ms, ${(peer / ours).toFixed(2)}x the DataView loop (${peer.toFixed(1)} ms)`,
);

const oursNarrow = time(() => f32ToBf16(f32));
const peerNarrow = time(() => {
  const src = new DataView(f32.buffer);
  const out = new DataView(new ArrayBuffer(n * 2));
  for (let i = 0; i < n; i++) {
    const b = src.getUint32(i * 4, true);
    out.setUint16(i * 2, (b + 0x7fff + ((b >>> 16) & 1)) >>> 16, true);
  }
});
console.log(
  `f32->bf16 ${n} values: ${oursNarrow.toFixed(1)} ms, ${(peerNarrow / oursNarrow).toFixed(2)}x the DataView loop (${peerNarrow.toFixed(1)} ms)`,
);

const dir = await mkdtemp(join(tmpdir(), 'nvlm-st-bench-'));
try {
  const path = join(dir, 'bench.safetensors');
  const tensorBytes = 16 * 1024 * 1024;
  const tensors = Array.from({ length: 16 }, (_, i) => ({
    name: `model.layers.${i}.mlp.weight`,
    dtype: 'BF16' as const,
    shape: [tensorBytes / 2],
    data: () => new Uint16Array(tensorBytes / 2).fill(i),
  }));
  await writeSafetensorsFile(path, tensors);
  const stream = await timeAsync(async () => {
    const r = await openSafetensors(path);
    let total = 0;
    for await (const { bytes } of r.entries()) total += bytes.byteLength;
    await r.close();
    return total;
  });
  const whole = await timeAsync(() => readFile(path));
  const mib = (16 * tensorBytes) / 2 ** 20;
  console.log(
    `stream ${mib} MiB tensor by tensor: ${stream.toFixed(1)} ms (${((mib / stream) * 1000).toFixed(0)} MiB/s), ${(whole / stream).toFixed(2)}x fs.readFile of the whole file (${whole.toFixed(1)} ms)`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
