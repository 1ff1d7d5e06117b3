/**
 * Benchmark (`pnpm --dir packages/tiler bench`): a 4000 x 3000 JPEG to 7 normalised 448 px tiles
 * (grid 3 x 2 + thumbnail), end to end including decode, with the default thread count, with one
 * thread and with the TypeScript passes only (no WebAssembly), against a plain sharp pipeline
 * producing the same 7 tiles (libvips cubic resize, extract, normalise in JS) in the same run.
 * The variants run interleaved, round after round, so that load from other processes falls on all
 * of them alike. Prints the median of several runs (and the best run, what the machine does when
 * nothing else competes for it) and the ratios; the goal is at most 1.5x sharp's time.
 */
import { availableParallelism, loadavg } from 'node:os';
import sharp from 'sharp';
import { tileImage } from '../src/node.js';
import { defaultThreads } from '../src/node-parallel.js';
import { normalizationTable, normalizeWindow } from '../src/normalize.js';
import { setWasmEnabled } from '../src/wasm-resize.js';

const WIDTH = 4000;
const HEIGHT = 3000;
const S = 448;
const COLS = 3;
const ROWS = 2;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/** Deterministic photo-like content: gradients, rings and a checker texture. */
function makeRgb(): Buffer {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  let i = 0;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const r = Math.hypot(x - 1700, y - 1300);
      data[i++] = (x * 255) / WIDTH;
      data[i++] = 128 + 127 * Math.sin(r / 40);
      data[i++] = ((x >> 5) + (y >> 5)) & 1 ? 200 - (y * 150) / HEIGHT : 40 + (y * 150) / HEIGHT;
    }
  }
  return data;
}

/** The peer: sharp decodes and resizes (libvips cubic), JS normalises into the same tensor layout. */
async function sharpPipeline(
  jpeg: Buffer,
  table: Float32Array,
  fastShrinkOnLoad = true,
): Promise<Float32Array> {
  const plane = 3 * S * S;
  const out = new Float32Array(7 * plane);
  const resize = { fit: 'fill', kernel: 'cubic', fastShrinkOnLoad } as const;
  const [grid, thumb] = await Promise.all([
    sharp(jpeg)
      .resize(S * COLS, S * ROWS, resize)
      .raw()
      .toBuffer(),
    sharp(jpeg).resize(S, S, resize).raw().toBuffer(),
  ]);
  for (let idx = 0; idx < COLS * ROWS; idx++) {
    normalizeWindow(grid, S * COLS, (idx % COLS) * S, Math.floor(idx / COLS) * S, S, table, out, idx * plane);
  }
  normalizeWindow(thumb, S, 0, 0, S, table, out, 6 * plane);
  return out;
}

/** Times every variant once per round, `RUNS` rounds after one warm-up round; ms per variant. */
async function timeInterleaved(variants: (() => Promise<unknown>)[]): Promise<number[][]> {
  const times: number[][] = variants.map(() => []);
  for (let round = -1; round < RUNS; round++) {
    for (const [i, fn] of variants.entries()) {
      const t0 = performance.now();
      await fn();
      if (round >= 0) times[i]!.push(performance.now() - t0);
    }
  }
  return times;
}

async function typescriptOnly(fn: () => Promise<unknown>): Promise<unknown> {
  const was = setWasmEnabled(false);
  try {
    return await fn();
  } finally {
    setWasmEnabled(was);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: number[]) => Math.min(...xs);

async function main(): Promise<void> {
  const jpeg = await sharp(makeRgb(), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const table = normalizationTable();
  const check = await tileImage(jpeg);
  if (check.tiles !== 7 || check.grid.cols !== COLS || check.grid.rows !== ROWS) {
    throw new Error(`unexpected layout ${JSON.stringify(check.grid)} x ${check.tiles}`);
  }
  const [decodeOnly, ours, oursSingle, oursTs, peer, peerFull] = await timeInterleaved([
    () => sharp(jpeg).raw().toBuffer(),
    () => tileImage(jpeg),
    () => tileImage(jpeg, { threads: 1 }),
    () => typescriptOnly(() => tileImage(jpeg)),
    () => sharpPipeline(jpeg, table),
    () => sharpPipeline(jpeg, table, false),
  ]);
  const oursMs = median(ours!);
  const oursSingleMs = median(oursSingle!);
  const oursTsMs = median(oursTs!);
  const peerMs = median(peer!);
  const peerFullMs = median(peerFull!);
  const decodeMs = median(decodeOnly!);
  const load = loadavg()[0]!.toFixed(2);
  const row = (label: string, ms: number, times: number[]) =>
    console.log(`  ${label.padEnd(68)} ${ms.toFixed(1).padStart(6)} ms  (best ${best(times).toFixed(1)} ms)`);
  console.log(
    `tiler bench: ${WIDTH}x${HEIGHT} JPEG (${(jpeg.length / 1e6).toFixed(2)} MB) -> 7 x 3 x ${S} x ${S}, ` +
      `median of ${RUNS} interleaved rounds, load average ${load} on ${availableParallelism()} cores`,
  );
  row(
    `@nvlm-ts/tiler (decode + Pillow-exact resize + normalise, ${defaultThreads()} threads)`,
    oursMs,
    ours!,
  );
  row('@nvlm-ts/tiler, threads: 1', oursSingleMs, oursSingle!);
  row('@nvlm-ts/tiler, TypeScript passes only (no WebAssembly)', oursTsMs, oursTs!);
  row('  full-resolution decode alone (part of the above)', decodeMs, decodeOnly!);
  row('sharp resize pipeline (libvips cubic, not Pillow-exact)', peerMs, peer!);
  row('sharp, full-resolution decode (fastShrinkOnLoad: false)', peerFullMs, peerFull!);
  console.log(
    `  ratio tiler / sharp: ${(oursMs / peerMs).toFixed(2)}x (goal <= 1.5x; best / best ` +
      `${(best(ours!) / best(peer!)).toFixed(2)}x)`,
  );
  console.log(`  ratio tiler / sharp without shrink-on-load: ${(oursMs / peerFullMs).toFixed(2)}x`);
  console.log(`  ratio tiler (1 thread) / sharp: ${(oursSingleMs / peerMs).toFixed(2)}x`);
  console.log(`  ratio tiler (TypeScript only) / sharp: ${(oursTsMs / peerMs).toFixed(2)}x`);
}

await main();
