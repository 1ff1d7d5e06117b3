/**
 * Node-only: Pillow-exact resizes (and the tiles' normalisation) spread over worker threads. The
 * passes are the same code as the in-thread path, cut into bands of output rows, so the bytes are
 * identical for any thread count: the WebAssembly kernels (wasm-resize.ts) on one shared memory
 * that every worker instantiates the kernels over, the threads claiming bands one at a time so a
 * descheduled thread just takes fewer; or, where the kernels are unavailable, `runPass` from
 * passes.ts (sent to the workers as source text) over SharedArrayBuffers, one band per thread.
 * Both resizes of a tiling (grid and thumbnail) run their horizontal passes together, then their
 * vertical passes, then the normalisation. Workers start on first use (or, with `prepareTiling`,
 * while the image decodes), are reused, and never keep the process alive while idle.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RgbImage } from './image.js';
import type { NormalizeOptions } from './normalize.js';
import { type PassTask, runPass } from './passes.js';
import { type FullPass, planResize, resizeBicubicMany } from './resample.js';
import {
  gridSizes,
  type NormalizedTiles,
  normalizeLayout,
  normalizeResized,
  planTiles,
  type TileLayout,
  type TileOptions,
  tensorDims,
  tensorSpec,
} from './tile.js';
import { createKernel, type Kernel, kernelModule, reserve } from './wasm-kernel.js';
import {
  CONTROL_INTS,
  copySource,
  cutBands,
  grabBands,
  type KernelCall,
  type KernelPlan,
  MAX_BANDS,
  planKernelResize,
  readOutputs,
  readTensor,
  readTensorInto,
  runCall,
  sourceBytesRead,
  type TensorSpec,
  wasmEnabled,
} from './wasm-resize.js';

/** Largest thread count accepted by the `threads` option. */
export const MAX_THREADS = 64;
/** Images below this many pixels are resized in-thread: worker overhead would dominate. */
const PARALLEL_MIN_PIXELS = 1_000_000;

/** The default thread count: the machine's parallelism, at most 4. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

// process.getBuiltinModule works whether the eval'd worker runs as a script or as a module
// (workers inherit flags such as --input-type=module).
// A message is { init: [module, memory] } (instantiate the kernels over a new shared memory),
// { drop: true } (forget it), { id, phase: { gen, calls } } (claim and run bands of WebAssembly
// kernel calls with grabBands) or { id, task } (one runPass band).
const WORKER_SOURCE = `
const { parentPort } = process.getBuiltinModule('node:worker_threads');
const runPass = (${runPass.toString()});
const runCall = (${runCall.toString()});
const grabBands = (${grabBands.toString()});
let kernel;
let memory;
parentPort.on('message', (message) => {
  if (message.init) {
    memory = message.init[1];
    kernel = new WebAssembly.Instance(message.init[0], { env: { memory } }).exports;
    return;
  }
  if (message.drop) {
    kernel = memory = undefined;
    return;
  }
  try {
    if (message.phase) {
      const { gen, calls } = message.phase;
      grabBands(new Int32Array(memory.buffer), gen, calls.length, (band) => runCall(kernel, calls[band]));
    } else {
      runPass(message.task);
    }
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String((error && error.stack) || error) });
  }
});
`;

interface Job {
  slot: number;
  resolve(): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  busy: number;
  /** The shared kernel memory this worker has instantiated the kernels over. */
  memory?: WebAssembly.Memory;
}

/** Work for one worker: a phase of bands on the shared kernel, or one TypeScript pass band. */
type Work = { gen: number; calls: KernelCall[]; kernel: Kernel } | { task: PassTask };

/** Workers running passes, created on first use; each is referenced only while it has work. */
class PassPool {
  private readonly slots: (Slot | undefined)[] = [];
  private readonly jobs = new Map<number, Job>();
  private nextId = 0;

  /**
   * Starts worker number `slot` if it is not running and has it instantiate the kernels over
   * `kernel`'s memory if it has not, without waiting (workers take tens of milliseconds to boot).
   */
  warm(slot: number, kernel?: Kernel): Slot {
    const entry = this.slots[slot] ?? this.start(slot);
    if (kernel && entry.memory !== kernel.memory) {
      entry.memory = kernel.memory;
      entry.worker.postMessage({ init: [kernelModule(true), kernel.memory] });
    }
    return entry;
  }

  /** Runs `work` on worker number `slot`. */
  run(slot: number, work: Work): Promise<void> {
    const entry = this.warm(slot, 'calls' in work ? work.kernel : undefined);
    const id = this.nextId++;
    if (entry.busy++ === 0) entry.worker.ref();
    return new Promise<void>((resolve, reject) => {
      this.jobs.set(id, { slot, resolve, reject });
      entry.worker.postMessage(
        'calls' in work ? { id, phase: { gen: work.gen, calls: work.calls } } : { id, task: work.task },
      );
    });
  }

  /** Makes every worker forget the shared kernel memory (so it can be freed). */
  drop(): void {
    for (const entry of this.slots) {
      if (!entry?.memory) continue;
      entry.memory = undefined;
      entry.worker.postMessage({ drop: true });
    }
  }

  private start(slot: number): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    const entry: Slot = { worker, busy: 0 };
    worker.on('message', (message: { id: number; error?: string }) => this.settle(message.id, message.error));
    worker.on('error', (error) => this.discard(slot, entry, error));
    worker.on('exit', () => this.discard(slot, entry, new Error('resize worker exited')));
    this.slots[slot] = entry;
    return entry;
  }

  private settle(id: number, error?: string): void {
    const job = this.jobs.get(id);
    if (!job) return;
    this.jobs.delete(id);
    const entry = this.slots[job.slot];
    if (entry && --entry.busy === 0) entry.worker.unref();
    if (error === undefined) job.resolve();
    else job.reject(new Error(`resize worker failed: ${error}`));
  }

  /** A crashed worker fails its jobs; its slot starts a fresh worker on next use. */
  private discard(slot: number, entry: Slot, error: Error): void {
    if (this.slots[slot] !== entry) return;
    this.slots[slot] = undefined;
    for (const [id, job] of this.jobs) {
      if (job.slot !== slot) continue;
      this.jobs.delete(id);
      job.reject(error);
    }
    entry.worker.removeAllListeners();
    void entry.worker.terminate();
  }
}

let pool: PassPool | undefined;

/** Splits `pass` into `bands` row ranges of near-equal size. */
function bands(pass: FullPass, count: number): PassTask[] {
  const out: PassTask[] = [];
  const n = Math.min(count, pass.rows);
  for (let b = 0; b < n; b++) {
    const rowStart = Math.floor((pass.rows * b) / n);
    const rowEnd = Math.floor((pass.rows * (b + 1)) / n);
    const { rows: _rows, ...task } = pass;
    out.push({ ...task, rowStart, rowEnd });
  }
  return out;
}

/**
 * Resizes `image` to each of `sizes` with Pillow BICUBIC using `threads` threads (the calling
 * thread included). Falls back to in-thread work for small images or `threads` = 1.
 */
export async function resizeBicubicParallel(
  image: RgbImage,
  sizes: readonly (readonly [number, number])[],
  threads: number,
): Promise<RgbImage[]> {
  if (threads <= 1 || image.width * image.height < PARALLEL_MIN_PIXELS) {
    return resizeBicubicMany(image, sizes);
  }
  pool ??= new PassPool();
  const read = (kernel: Kernel, plan: KernelPlan) => readOutputs(kernel, plan, image);
  return (
    (await onSharedKernel(pool, image, sizes, undefined, threads, read)) ??
    resizeWithPassWorkers(pool, image, sizes, threads)
  );
}

/**
 * `tileAndNormalize` for a planned `layout` with `threads` threads: resizes and normalisation on
 * the shared WebAssembly kernels, or resizes with `runPass` workers and normalisation here.
 */
export async function tileAndNormalizeParallel(
  image: RgbImage,
  layout: TileLayout,
  options: NormalizeOptions,
  threads: number,
  prepared?: PreparedTiling,
): Promise<NormalizedTiles> {
  if (threads <= 1 || image.width * image.height < PARALLEL_MIN_PIXELS) {
    return normalizeLayout(image, layout, options);
  }
  pool ??= new PassPool();
  const sizes = gridSizes(layout);
  const spec = tensorSpec(layout, options);
  const output = prepared && sameLayout(prepared, image, layout) ? prepared.output : undefined;
  const read = output
    ? (kernel: Kernel, plan: KernelPlan) => readTensorInto(kernel, plan, output)
    : readTensor;
  const pixelValues = await onSharedKernel(pool, image, sizes, spec, threads, read);
  if (pixelValues) return { layout, pixelValues, dims: tensorDims(layout) };
  const [resized, thumbnail] = await resizeWithPassWorkers(pool, image, sizes, threads);
  return normalizeResized(layout, resized!, thumbnail, options);
}

/** The bytes of an RGB image as a Uint8Array (no copy). */
function bytesOf(image: RgbImage): Uint8Array {
  const { data } = image;
  return data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** Work done ahead for a tiling, while its image decodes (`prepareTiling`). */
export interface PreparedTiling {
  readonly width: number;
  readonly height: number;
  readonly layout: TileLayout;
  /** The `[T, 3, S, S]` output, allocated and written once so its pages are in memory. */
  readonly output: Float32Array;
}

/**
 * Gets a tiling of a `width` x `height` image ready while the image decodes on libvips' threads:
 * the output tensor allocated and its pages touched, the shared kernel memory grown to the job's
 * size and touched, so that neither costs page faults once the pixels are there, and the worker
 * threads started with the kernels instantiated. Undefined where the WebAssembly worker path will
 * not run; never throws (the same options are checked again, in order, once the image is decoded).
 */
export function prepareTiling(
  width: number,
  height: number,
  options: TileOptions & NormalizeOptions,
  threads: number,
): PreparedTiling | undefined {
  if (threads <= 1 || width * height < PARALLEL_MIN_PIXELS || !wasmEnabled() || !kernelModule(true)) {
    return undefined;
  }
  try {
    const layout = planTiles(width, height, options);
    const output = new Float32Array(layout.tiles * 3 * layout.tileSize ** 2).fill(0);
    if (!running) {
      // No job is using the memory, so touching it is safe.
      const plan = planKernelResize(width, height, gridSizes(layout), tensorSpec(layout, options));
      const kernel = shared && reserve(shared, plan.bytes) ? shared : createKernel(true, plan.bytes);
      if (kernel) {
        shared = kernel;
        pool ??= new PassPool();
        for (let slot = 0; slot < threads - 1; slot++) pool.warm(slot, kernel);
        const touched = touchedBytes.get(kernel.memory) ?? 0;
        if (plan.bytes > touched) {
          new Uint8Array(kernel.memory.buffer, touched, plan.bytes - touched).fill(0);
          touchedBytes.set(kernel.memory, plan.bytes);
        }
      }
    }
    return { width, height, layout, output };
  } catch {
    return undefined;
  }
}

/** How much of each kernel memory has been written once (its pages are in memory). */
const touchedBytes = new WeakMap<WebAssembly.Memory, number>();
/** Whether a job is running on the shared kernel. */
let running = false;

function sameLayout(prepared: PreparedTiling, image: RgbImage, layout: TileLayout): boolean {
  const a = prepared.layout;
  return (
    prepared.width === image.width &&
    prepared.height === image.height &&
    a.grid.cols === layout.grid.cols &&
    a.grid.rows === layout.grid.rows &&
    a.tileSize === layout.tileSize &&
    a.tiles === layout.tiles &&
    a.hasThumbnail === layout.hasThumbnail
  );
}

/** The shared kernel memory, kept between calls and dropped after `RELEASE_MS` idle. */
let shared: Kernel | undefined;
let releaseTimer: ReturnType<typeof setTimeout> | undefined;
const RELEASE_MS = 10_000;
/** Jobs on the shared kernel run one after another (they use the same memory). */
let queue: Promise<unknown> = Promise.resolve();

/** The WebAssembly path: undefined when the kernels are unavailable or the job does not fit. */
async function onSharedKernel<T>(
  workers: PassPool,
  image: RgbImage,
  sizes: readonly (readonly [number, number])[],
  spec: TensorSpec | undefined,
  threads: number,
  read: (kernel: Kernel, plan: KernelPlan) => T,
): Promise<T | undefined> {
  if (!wasmEnabled() || !kernelModule(true)) return undefined;
  const run = queue.then(async () => {
    const plan = planKernelResize(image.width, image.height, sizes, spec);
    const kernel = shared && reserve(shared, plan.bytes) ? shared : createKernel(true, plan.bytes);
    if (!kernel) return undefined;
    if (releaseTimer !== undefined) clearTimeout(releaseTimer);
    shared = kernel;
    running = true;
    try {
      plan.prepare(kernel);
      for (const [index, phase] of plan.phases.entries()) {
        await runPhase(workers, kernel, plan, index === 0 ? bytesOf(image) : undefined, phase, threads);
      }
      return read(kernel, plan);
    } finally {
      running = false;
      releaseTimer = setTimeout(() => {
        shared = undefined;
        workers.drop();
      }, RELEASE_MS);
      releaseTimer.unref();
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

let generation = 0;
/** Bands this thread re-ran because a worker failed (for tests: it stays 0 while workers are healthy). */
let bandsRecovered = 0;

/** How many bands have been re-ran in-thread after a worker failed, since the process started. */
export function recoveredBands(): number {
  return bandsRecovered;
}

/** `Atomics.waitAsync` (ES2024, in Node since 16), typed here because the ES2022 lib lacks it. */
function waitAsync(ints: Int32Array, index: number, value: number, ms: number): Promise<string> {
  const wait = (
    Atomics as unknown as {
      waitAsync(i: Int32Array, n: number, v: number, t: number): { async: boolean; value: unknown };
    }
  ).waitAsync(ints, index, value, ms);
  return wait.async ? (wait.value as Promise<string>) : Promise.resolve(String(wait.value));
}

/**
 * Runs one phase of a kernel plan over `threads` threads: the calls are cut into bands that every
 * thread claims one at a time (`grabBands`), so a descheduled thread just takes fewer. In the
 * first phase (`source` given) the source is copied in chunk by chunk while the workers start on
 * the bands whose rows are already in place. A worker that fails leaves its unfinished bands to
 * this thread.
 */
async function runPhase(
  workers: PassPool,
  kernel: Kernel,
  plan: KernelPlan,
  source: Uint8Array | undefined,
  calls: readonly KernelCall[],
  threads: number,
): Promise<void> {
  const first = source !== undefined;
  const perCall = Math.max(1, Math.floor(Math.min(8 * threads, MAX_BANDS / Math.max(1, calls.length))));
  let bands = calls.flatMap((call) => cutBands(call, perCall));
  if (bands.length === 0 && !first) return;
  // First phase: bands in the order their source rows arrive.
  const needs = bands.map((band) => (first ? sourceBytesRead(plan, [band], Number.MAX_SAFE_INTEGER) : 0));
  if (first) {
    const order = bands.map((_, i) => i).sort((x, y) => needs[x]! - needs[y]!);
    bands = order.map((i) => bands[i]!);
    needs.sort((x, y) => x - y);
  }
  const ints = new Int32Array(kernel.memory.buffer, 0, CONTROL_INTS);
  generation = (generation % 0x7fff) + 1;
  const gen = generation;
  ints.fill(0, 1, 3 + bands.length);
  Atomics.store(ints, 2, first ? 0 : bands.length);
  Atomics.store(ints, 0, gen << 16);
  const replies = Array.from({ length: threads - 1 }, (_, slot) =>
    workers.run(slot, { gen, calls: bands, kernel }).then(
      () => true,
      () => false,
    ),
  );
  const runHere = (band: number) => runCall(kernel.exports, bands[band]!);
  let ready = 0;
  const publish = (bytesInPlace: number) => {
    while (ready < bands.length && needs[ready]! <= bytesInPlace) ready++;
    Atomics.store(ints, 2, ready);
    Atomics.notify(ints, 2);
  };
  try {
    const chunks = source ? 8 : 0;
    for (let k = 1; k <= chunks; k++) {
      const from = Math.floor((source!.length * (k - 1)) / chunks);
      const to = Math.floor((source!.length * k) / chunks);
      copySource(kernel, plan, from, source!.subarray(from, to));
      publish(to);
    }
  } catch (error) {
    // End the phase, so that no worker keeps waiting for rows that will not come.
    Atomics.store(ints, 0, 0);
    Atomics.notify(ints, 2);
    throw error;
  }
  publish(Number.MAX_SAFE_INTEGER);
  grabBands(ints, gen, bands.length, runHere);
  // Wait for bands other threads still hold; once every worker has answered, whatever is
  // unfinished belongs to a worker that failed.
  const answered = Promise.all(replies).then(() => 'answered' as const);
  for (;;) {
    const done = Atomics.load(ints, 1);
    if (done >= bands.length) return;
    const outcome = await Promise.race([waitAsync(ints, 1, done, 50), answered]);
    if (outcome === 'answered' && Atomics.load(ints, 1) < bands.length) {
      for (let b = 0; b < bands.length; b++) {
        if (Atomics.load(ints, 3 + b) !== 0) continue;
        bandsRecovered++;
        runHere(b);
      }
      return;
    }
  }
}

/** The TypeScript path: `runPass` bands over SharedArrayBuffers. */
async function resizeWithPassWorkers(
  workers: PassPool,
  image: RgbImage,
  sizes: readonly (readonly [number, number])[],
  threads: number,
): Promise<RgbImage[]> {
  const allocate = (n: number) => new Uint8ClampedArray(new SharedArrayBuffer(n));
  let src =
    image.data instanceof Uint8Array
      ? image.data
      : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  if (!(src.buffer instanceof SharedArrayBuffer)) {
    const copy = new Uint8Array(new SharedArrayBuffer(src.byteLength));
    copy.set(src);
    src = copy;
  }
  const plans = sizes.map(([w, h]) => {
    const plan = planResize(image.width, image.height, w, h);
    return plan ? plan.bind(src, allocate) : undefined;
  });
  // Phase 0: every plan's first pass (horizontal, or vertical when only that is needed); phase 1: the rest.
  for (const phase of [0, 1]) {
    const passes = plans.flatMap((p) => (p?.tasks[phase] ? [p.tasks[phase]!] : []));
    const jobs: Promise<void>[] = [];
    const local: PassTask[] = [];
    for (const pass of passes) {
      bands(pass, threads).forEach((band, i) => {
        // The last band of each pass runs here; the others go to workers 0 .. threads - 2.
        if (i === threads - 1) local.push(band);
        // A worker that fails (crashed, out of memory) leaves its band to this thread.
        else {
          const recover = () => {
            bandsRecovered++;
            runPass(band);
          };
          jobs.push(workers.run(i, { task: band }).catch(recover));
        }
      });
    }
    for (const band of local) runPass(band);
    await Promise.all(jobs);
  }
  return sizes.map(([width, height], i) => {
    const plan = plans[i];
    if (!plan) return { width, height, data: new Uint8Array(image.data) };
    const out = plan.output;
    return { width, height, data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
  });
}
