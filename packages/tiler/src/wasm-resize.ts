/**
 * Pillow-exact BICUBIC resizes, and torchvision normalisation of the tiles, on the WebAssembly
 * SIMD kernels (wasm-kernel.ts): the same pass sequence as `planResize` in resample.ts (Pillow's
 * `ImagingResampleInner`: the horizontal pass over only the rows the vertical pass reads, then the
 * vertical pass, each skipped when its size is unchanged), laid out in one linear memory. One
 * source copy serves several output sizes (the grid and the thumbnail of a tiling). The calls are
 * plain data, cut into row bands that threads claim with `grabBands`, so that Node worker threads
 * can share the work on a shared memory (node-parallel.ts); here they run in the calling thread.
 */
import { type AxisCoefficients, axisCoefficients } from './coefficients.js';
import type { RgbImage } from './image.js';
import { createKernel, type Kernel, type KernelExports, MAX_KERNEL_BYTES, reserve } from './wasm-kernel.js';

/** A horizontal pass over `rows` rows (pointers are byte offsets into the kernel memory). */
export interface HorizontalCall {
  readonly kind: 'h';
  readonly src: number;
  readonly srcStride: number;
  readonly dst: number;
  readonly dstStride: number;
  readonly rows: number;
  readonly out: number;
  readonly start: number;
  readonly count: number;
  readonly table: number;
  readonly quads: number;
}

/** A vertical pass over output rows `rowStart .. rowEnd - 1`. */
export interface VerticalCall {
  readonly kind: 'v';
  readonly src: number;
  readonly dst: number;
  readonly stride: number;
  readonly rowOffset: number;
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly start: number;
  readonly count: number;
  readonly weights: number;
  readonly ksize: number;
}

/** torchvision normalisation of `rows` rows of a tile into its three float32 planes. */
export interface NormalizeCall {
  readonly kind: 'n';
  readonly src: number;
  readonly stride: number;
  readonly width: number;
  readonly rows: number;
  readonly params: number;
  readonly out: number;
  readonly plane: number;
}

export type KernelCall = HorizontalCall | VerticalCall | NormalizeCall;

/**
 * Tiles to normalise straight from the resized images into one `[T, 3, S, S]` tensor: window `i`
 * is the `tileSize` square at (`x0`, `y0`) of output `image` (an index into the resize sizes).
 */
export interface TensorSpec {
  readonly tileSize: number;
  readonly windows: readonly { readonly image: number; readonly x0: number; readonly y0: number }[];
  /** mean[0..2], std[0..2] as float32. */
  readonly params: Float32Array;
}

/** Where one resize's output lands, or undefined for an unchanged size (a copy of the source). */
export type KernelOutput = { readonly offset: number; readonly width: number; readonly height: number };

/** A laid-out job: memory size, source offset, tables to write, and the passes in phases. */
export interface KernelPlan {
  readonly bytes: number;
  readonly source: number;
  /**
   * Phase 0: every resize's first pass; phase 1: the vertical passes that follow a horizontal one;
   * phase 2: the normalisation of every tile (with a `TensorSpec`).
   */
  readonly phases: readonly [KernelCall[], KernelCall[], KernelCall[]];
  /** Where the `[T, 3, S, S]` float32 tensor lands (with a `TensorSpec`). */
  readonly tensor?: { readonly offset: number; readonly length: number };
  readonly outputs: readonly (KernelOutput | undefined)[];
  /** Writes the coefficient tables into the kernel's memory. */
  prepare(kernel: Kernel): void;
}

/**
 * Int32 slots at the start of every kernel memory for scheduling bands over threads
 * (`grabBands`): a ticket (generation << 16 | next band), a count of finished bands, how many
 * leading bands may start (their source rows are in place), and one finished flag per band.
 */
export const CONTROL_INTS = 3 + 4096;
/** Most bands one phase may be cut into (the flags `CONTROL_INTS` has room for). */
export const MAX_BANDS = CONTROL_INTS - 3;

/** Recently used coefficient tables (never handed out, so never modified), by `in:out`. */
const recent = new Map<string, AxisCoefficients>();
const RECENT_TABLES = 8;

/** `axisCoefficients`, memoised: a run of same-size images skips recomputing the tables. */
function coefficients(inSize: number, outSize: number): AxisCoefficients {
  const key = `${inSize}:${outSize}`;
  let c = recent.get(key);
  if (c) {
    recent.delete(key);
  } else {
    c = axisCoefficients(inSize, outSize);
    if (recent.size >= RECENT_TABLES) recent.delete(recent.keys().next().value!);
  }
  recent.set(key, c);
  return c;
}

/** Bytes readable past every image, for the 16-byte loads of the horizontal kernel. */
const PAD = 32;
const align = (n: number) => (n + 15) & ~15;

/**
 * Lays out resizing a `inWidth` x `inHeight` RGB image to each of `sizes`, and with `spec`,
 * normalising tiles of the results into one tensor.
 */
export function planKernelResize(
  inWidth: number,
  inHeight: number,
  sizes: readonly (readonly [number, number])[],
  spec?: TensorSpec,
): KernelPlan {
  let top = align(CONTROL_INTS * 4 + 64);
  const take = (bytes: number) => {
    const at = top;
    top = align(top + bytes + PAD);
    return at;
  };
  const writes: { offset: number; data: Int32Array }[] = [];
  const tables: { weights: number; count: number; ksize: number; out: number; quads: number; at: number }[] =
    [];
  const int32s = (data: Int32Array) => {
    const offset = take(data.byteLength);
    writes.push({ offset, data });
    return offset;
  };
  const source = take(inWidth * inHeight * 3);
  const phases: [KernelCall[], KernelCall[], KernelCall[]] = [[], [], []];
  const outputs = sizes.map(([width, height]): KernelOutput | undefined => {
    const needHorizontal = width !== inWidth;
    const needVertical = height !== inHeight;
    if (!needHorizontal && !needVertical) return undefined;
    const vertical = needVertical ? coefficients(inHeight, height) : undefined;
    const firstRow = vertical ? vertical.start[0]! : 0;
    const lastRow = vertical ? vertical.start[height - 1]! + vertical.count[height - 1]! : inHeight;
    let current = source + firstRow * inWidth * 3;
    let offset = current;
    if (needHorizontal) {
      const c = coefficients(inWidth, width);
      const quads = Math.ceil(c.ksize / 4);
      const weights = int32s(c.weights);
      const count = int32s(c.count);
      const table = take(width * quads * 64);
      tables.push({ weights, count, ksize: c.ksize, out: width, quads, at: table });
      const rows = lastRow - firstRow;
      offset = take(width * rows * 3);
      phases[0].push({
        kind: 'h',
        src: current,
        srcStride: inWidth * 3,
        dst: offset,
        dstStride: width * 3,
        rows,
        out: width,
        start: int32s(c.start),
        count,
        table,
        quads,
      });
      current = offset;
    }
    if (vertical) {
      offset = take(width * height * 3);
      phases[needHorizontal ? 1 : 0].push({
        kind: 'v',
        src: current,
        dst: offset,
        stride: width * 3,
        rowOffset: firstRow,
        rowStart: 0,
        rowEnd: height,
        start: int32s(vertical.start),
        count: int32s(vertical.count),
        weights: int32s(vertical.weights),
        ksize: vertical.ksize,
      });
    }
    return { offset, width, height };
  });
  let tensor: { offset: number; length: number } | undefined;
  let params = 0;
  if (spec) {
    const s = spec.tileSize;
    const plane = s * s;
    params = take(spec.params.byteLength);
    tensor = { offset: take(spec.windows.length * 3 * plane * 4), length: spec.windows.length * 3 * plane };
    spec.windows.forEach(({ image, x0, y0 }, i) => {
      const [width] = sizes[image]!;
      const at = outputs[image];
      const stride = width * 3;
      phases[2].push({
        kind: 'n',
        src: (at ? at.offset : source) + y0 * stride + x0 * 3,
        stride,
        width: s,
        rows: s,
        params,
        out: tensor!.offset + i * 3 * plane * 4,
        plane,
      });
    });
  }
  return {
    bytes: top,
    source,
    phases,
    outputs,
    ...(tensor ? { tensor } : {}),
    prepare(kernel) {
      const buffer = kernel.memory.buffer;
      for (const { offset, data } of writes) new Int32Array(buffer, offset, data.length).set(data);
      if (spec) new Float32Array(buffer, params, 6).set(spec.params);
      for (const t of tables) kernel.exports.h_table(t.weights, t.count, t.ksize, t.out, t.quads, t.at);
    },
  };
}

/** Output rows of a call: what bands split. */
export function callRows(call: KernelCall): number {
  return call.kind === 'v' ? call.rowEnd - call.rowStart : call.rows;
}

/** The part of `call` producing its output rows `from .. to - 1` (relative to the call's first). */
export function bandOf(call: KernelCall, from: number, to: number): KernelCall {
  if (call.kind === 'h') {
    return {
      ...call,
      src: call.src + from * call.srcStride,
      dst: call.dst + from * call.dstStride,
      rows: to - from,
    };
  }
  if (call.kind === 'n') {
    return {
      ...call,
      src: call.src + from * call.stride,
      out: call.out + from * call.width * 4,
      rows: to - from,
    };
  }
  return { ...call, rowStart: call.rowStart + from, rowEnd: call.rowStart + to };
}

/**
 * Claims bands of the current phase one at a time and runs them, until none is left or the phase
 * (generation `gen`, 1 .. 0x7fff) is over. Every thread of a job runs this on the same control
 * slots (`CONTROL_INTS`), so a thread that is descheduled simply claims fewer bands. Claiming is a
 * compare-and-swap on the ticket that also checks the generation, so a late thread never runs a
 * band of a later phase. Self-contained (no outer references): workers get it as source text.
 */
export function grabBands(ints: Int32Array, gen: number, count: number, run: (band: number) => void): void {
  for (;;) {
    const ticket = Atomics.load(ints, 0);
    const band = ticket & 0xffff;
    if (ticket >>> 16 !== gen || band >= count) return;
    const ready = Atomics.load(ints, 2);
    if (band >= ready) {
      // The next band's source rows are not in place yet (only workers get here: the calling
      // thread publishes every band before it claims any).
      Atomics.wait(ints, 2, ready, 20);
      continue;
    }
    if (Atomics.compareExchange(ints, 0, ticket, ticket + 1) !== ticket) continue;
    run(band);
    Atomics.store(ints, 3 + band, 1);
    Atomics.add(ints, 1, 1);
    Atomics.notify(ints, 1);
  }
}

/**
 * `call` cut into at most `count` bands of at least 16 rows, with edges on multiples of 4 rows
 * (the horizontal kernel works four rows at a time).
 */
export function cutBands(call: KernelCall, count: number): KernelCall[] {
  const rows = callRows(call);
  const n = Math.max(1, Math.min(count, Math.floor(rows / 16)));
  const edge = (b: number) => (b === n ? rows : Math.floor((rows * b) / n / 4) * 4);
  const bands: KernelCall[] = [];
  for (let b = 0; b < n; b++) if (edge(b + 1) > edge(b)) bands.push(bandOf(call, edge(b), edge(b + 1)));
  return bands;
}

/** Runs one call on a kernel instance. */
export function runCall(ex: KernelExports, c: KernelCall): void {
  if (c.kind === 'h') {
    ex.h_pass(c.src, c.srcStride, c.dst, c.dstStride, c.rows, c.out, c.start, c.count, c.table, c.quads);
  } else if (c.kind === 'v') {
    const { src, dst, stride, rowOffset, rowStart, rowEnd, start, count, weights, ksize } = c;
    ex.v_pass(src, dst, stride, rowOffset, rowStart, rowEnd, start, count, weights, ksize);
  } else {
    ex.normalize(c.src, c.stride, c.width, c.rows, c.params, c.out, c.plane);
  }
}

/** Copies `image` into the kernel memory at `plan.source` and writes the tables. */
export function loadPlan(kernel: Kernel, plan: KernelPlan, image: RgbImage): void {
  plan.prepare(kernel);
  const data = image.data;
  copySource(
    kernel,
    plan,
    0,
    data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length),
  );
}

/** Copies `bytes` into the kernel memory at source byte `offset` (`loadPlan` in parts). */
export function copySource(kernel: Kernel, plan: KernelPlan, offset: number, bytes: Uint8Array): void {
  if (bytes.length > 0) new Uint8Array(kernel.memory.buffer, plan.source + offset, bytes.length).set(bytes);
}

/**
 * How many leading source bytes `calls` (bands of the first phase) read: horizontal bands read
 * their own rows (bytes past a row's last tap have weight 0, so whatever they hold is harmless);
 * a vertical band may read any row, so it needs the whole source.
 */
export function sourceBytesRead(
  plan: KernelPlan,
  calls: readonly KernelCall[],
  sourceLength: number,
): number {
  let end = 0;
  for (const c of calls) {
    if (c.kind !== 'h') return sourceLength;
    end = Math.max(end, c.src - plan.source + c.rows * c.srcStride);
  }
  return Math.min(end, sourceLength);
}

/** Copies the results out of the kernel memory (an unchanged size copies the source). */
export function readOutputs(kernel: Kernel, plan: KernelPlan, image: RgbImage): RgbImage[] {
  return plan.outputs.map((o) => {
    if (!o) return { width: image.width, height: image.height, data: new Uint8Array(image.data) };
    const bytes = o.width * o.height * 3;
    return {
      width: o.width,
      height: o.height,
      data: new Uint8Array(kernel.memory.buffer, o.offset, bytes).slice(),
    };
  });
}

/** A copy of the normalised tensor of a plan with a `TensorSpec`. */
export function readTensor(kernel: Kernel, plan: KernelPlan): Float32Array {
  const { offset, length } = plan.tensor!;
  return new Float32Array(kernel.memory.buffer, offset, length).slice();
}

/** The normalised tensor of a plan with a `TensorSpec`, copied into `out` (of its length). */
export function readTensorInto(kernel: Kernel, plan: KernelPlan, out: Float32Array): Float32Array {
  const { offset, length } = plan.tensor!;
  out.set(new Float32Array(kernel.memory.buffer, offset, length));
  return out;
}

let cached: Kernel | undefined;
let releaseTimer: ReturnType<typeof setTimeout> | undefined;
/** Memory kept between calls without a timer; more is dropped after `RELEASE_MS` idle. */
const KEEP_BYTES = 16 << 20;
const RELEASE_MS = 10_000;

/** Whether the in-thread WebAssembly path is on (tests turn it off to run the TypeScript passes). */
let enabled = true;

/** Turns the WebAssembly kernels off (false) or back on, returning the previous setting. Test hook. */
export function setWasmEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** Whether the WebAssembly kernels are switched on (`setWasmEnabled`). */
export function wasmEnabled(): boolean {
  return enabled;
}

/**
 * Resizes `image` to each of `sizes` in this thread with the WebAssembly kernels; undefined where
 * they are unavailable or the job does not fit their memory (the caller then runs passes.ts).
 */
export function resizeWithKernel(
  image: RgbImage,
  sizes: readonly (readonly [number, number])[],
): RgbImage[] | undefined {
  return runInThread(image, sizes, undefined, (kernel, plan) => readOutputs(kernel, plan, image));
}

/**
 * Resizes `image` to each of `sizes` and normalises the tiles of `spec` into one tensor, in this
 * thread with the WebAssembly kernels; undefined where they are unavailable.
 */
export function tensorWithKernel(
  image: RgbImage,
  sizes: readonly (readonly [number, number])[],
  spec: TensorSpec,
): Float32Array | undefined {
  return runInThread(image, sizes, spec, readTensor);
}

function runInThread<T>(
  image: RgbImage,
  sizes: readonly (readonly [number, number])[],
  spec: TensorSpec | undefined,
  read: (kernel: Kernel, plan: KernelPlan) => T,
): T | undefined {
  if (!enabled) return undefined;
  const plan = planKernelResize(image.width, image.height, sizes, spec);
  if (plan.bytes > MAX_KERNEL_BYTES) return undefined;
  const kernel = cached && reserve(cached, plan.bytes) ? cached : createKernel(false, plan.bytes);
  if (!kernel) return undefined;
  cached = kernel;
  loadPlan(kernel, plan, image);
  // In bands, so that once V8 has optimised a kernel (it tiers functions up between calls, never
  // during one) the rest of the pass runs the optimised code.
  for (const phase of plan.phases) {
    for (const call of phase) for (const band of cutBands(call, 16)) runCall(kernel.exports, band);
  }
  const result = read(kernel, plan);
  scheduleRelease();
  return result;
}

/** Drops a large cached memory once the kernels have been idle for a while. */
function scheduleRelease(): void {
  if (releaseTimer !== undefined) clearTimeout(releaseTimer);
  releaseTimer = undefined;
  if (!cached || cached.memory.buffer.byteLength <= KEEP_BYTES) return;
  releaseTimer = setTimeout(() => {
    cached = undefined;
    releaseTimer = undefined;
  }, RELEASE_MS);
  (releaseTimer as { unref?: () => void }).unref?.();
}
