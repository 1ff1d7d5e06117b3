/**
 * The WebAssembly SIMD resize kernels (wasm/resample.c, embedded by wasm-binary.ts), instantiated
 * synchronously from bytes (no fs, no fetch), for Node and browsers. Each kernel owns or shares a
 * linear memory that the caller lays out (wasm-resize.ts); the kernels compute exactly what
 * passes.ts `runPass` computes, which stays the fallback wherever WebAssembly SIMD is missing.
 */
import { WASM_PLAIN_BASE64, WASM_SHARED_BASE64 } from './wasm-binary.js';

/** The kernels' exports (pointers are byte offsets into the memory; see wasm/resample.c). */
export interface KernelExports {
  h_table(weights: number, count: number, ksize: number, out: number, quads: number, table: number): void;
  h_pass(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    rows: number,
    out: number,
    start: number,
    count: number,
    table: number,
    quads: number,
  ): void;
  v_pass(
    src: number,
    dst: number,
    stride: number,
    rowOffset: number,
    rowStart: number,
    rowEnd: number,
    start: number,
    count: number,
    weights: number,
    ksize: number,
  ): void;
  normalize(
    src: number,
    stride: number,
    width: number,
    rows: number,
    params: number,
    out: number,
    plane: number,
  ): void;
}

/** One instance of the kernels with its memory. */
export interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
}

const PAGE = 65536;
/** Largest memory the kernels address (bytes); bigger jobs use the TypeScript passes. */
export const MAX_KERNEL_BYTES = 2 ** 31;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Per build: the module, null when unavailable, a promise while compiling asynchronously. */
const modules = new Map<boolean, WebAssembly.Module | null | Promise<unknown>>();

/**
 * The compiled kernels (`shared`: the build importing a shared memory), or undefined where
 * WebAssembly or its SIMD extension is unavailable. Compiled synchronously where allowed (Node,
 * workers); a browser main thread refuses to compile modules over 4 KiB synchronously, so there
 * the module compiles in the background and calls made meanwhile get undefined (the caller then
 * uses the TypeScript passes, which give the same bytes).
 */
export function kernelModule(shared: boolean): WebAssembly.Module | undefined {
  let module = modules.get(shared);
  if (module === undefined) {
    module = null;
    if (typeof WebAssembly === 'object' && (!shared || typeof SharedArrayBuffer === 'function')) {
      const bytes = decodeBase64(shared ? WASM_SHARED_BASE64 : WASM_PLAIN_BASE64);
      if (WebAssembly.validate(bytes)) {
        try {
          module = new WebAssembly.Module(bytes);
        } catch {
          module = WebAssembly.compile(bytes).then(
            (compiled) => modules.set(shared, compiled),
            () => modules.set(shared, null),
          );
        }
      }
    }
    modules.set(shared, module);
  }
  return module instanceof WebAssembly.Module ? module : undefined;
}

/** Instantiates the kernels over `memory` (which must match the build: shared or not). */
export function instantiateKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernel {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { memory, exports: instance.exports as unknown as KernelExports };
}

/** A fresh kernel with its own memory of at least `bytes`, or undefined if unavailable. */
export function createKernel(shared: boolean, bytes: number): Kernel | undefined {
  const module = kernelModule(shared);
  if (!module || bytes > MAX_KERNEL_BYTES) return undefined;
  const pages = Math.max(2, Math.ceil(bytes / PAGE));
  try {
    const memory = shared
      ? new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true })
      : new WebAssembly.Memory({ initial: pages });
    return instantiateKernel(module, memory);
  } catch {
    return undefined; // out of memory: the caller falls back to the TypeScript passes
  }
}

/** Grows `kernel`'s memory to at least `bytes`; false if that is impossible. */
export function reserve(kernel: Kernel, bytes: number): boolean {
  if (bytes > MAX_KERNEL_BYTES) return false;
  const have = kernel.memory.buffer.byteLength;
  if (have >= bytes) return true;
  try {
    kernel.memory.grow(Math.ceil((bytes - have) / PAGE));
    return true;
  } catch {
    return false;
  }
}
