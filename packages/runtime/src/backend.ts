/**
 * Backends: an onnxruntime flavour (onnxruntime-node or onnxruntime-web, which share the
 * onnxruntime-common API) plus the execution providers to ask for. Platform entries register
 * theirs (`node.ts`: cpu, cuda, webgpu; `browser.ts`: webgpu, wasm); `resolveBackend` tries
 * candidates in priority order and fails with one error listing every backend tried and why
 * (after onnxruntime-common's backend-impl.ts).
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { RuntimeError } from './errors.js';

/** The part of an onnxruntime module the runtime uses. */
export interface OrtModule {
  readonly InferenceSession: typeof InferenceSession;
  readonly Tensor: typeof Tensor;
}

export interface Backend {
  /** onnxruntime flavour and its tensors. */
  readonly ort: OrtModule;
  /** Execution providers passed to every session, e.g. `['cuda']`, `['webgpu']`, `['cpu']`. */
  readonly executionProviders: readonly string[];
  /**
   * `session.run` writes outputs into pre-allocated tensors (onnxruntime-node on CPU): with fused
   * attention the KV cache then lives in one buffer per layer that GroupQueryAttention updates in
   * place, instead of being concatenated and copied every step.
   */
  readonly preallocatedOutputs?: boolean;
  /** Models must be handed over as bytes (onnxruntime-web), not as file paths. */
  readonly needsBytes?: boolean;
  /** Where decoder outputs (the KV cache) should stay between steps. */
  readonly preferredOutputLocation?: 'cpu' | 'gpu-buffer';
  /** Resolves when the backend can run here; rejects with the reason otherwise. Called once. */
  init(): Promise<void>;
}

/** Which backend a pipeline runs on, and why the ones before it were skipped. */
export interface BackendInfo {
  /** The registered name, e.g. `'webgpu'`, `'wasm'`, `'cpu'`. */
  readonly name: string;
  /** Execution providers its sessions ask for. */
  readonly executionProviders: readonly string[];
  /**
   * One entry per candidate tried before it and skipped, in order, formatted as `[name] reason`
   * (e.g. `'[webgpu] WebGPU has no adapter on this device'`); empty when the first choice ran.
   */
  readonly fallbackReasons: readonly string[];
}

/** What `resolveBackend` returns. */
export interface ResolvedBackend {
  readonly name: string;
  readonly backend: Backend;
  /** `[name] reason` for every earlier candidate that could not start. */
  readonly fallbackReasons: readonly string[];
}

interface Entry {
  backend: Backend;
  priority: number;
  ready?: Promise<void>;
}

const registry = new Map<string, Entry>();

/**
 * Registers `backend` under `name` (higher `priority` is tried first). Registering a different
 * backend under a taken name is an error; the same one again only updates the priority.
 */
export function registerBackend(name: string, backend: Backend, priority: number): void {
  if (typeof name !== 'string' || name === '') throw new TypeError(`'name' must be a non-empty string`);
  if (!backend || typeof backend.init !== 'function' || !backend.ort) {
    throw new TypeError(`'backend' must have 'ort' and an 'init' function`);
  }
  if (!Number.isFinite(priority)) throw new TypeError(`'priority' must be a finite number, got ${priority}`);
  const existing = registry.get(name);
  if (existing && existing.backend !== backend) {
    throw new RuntimeError('INTERNAL', `a different backend is already registered as '${name}'`);
  }
  registry.set(name, { backend, priority, ...(existing?.ready && { ready: existing.ready }) });
}

/** Registered backend names, highest priority first. */
export function listBackends(): string[] {
  return [...registry.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([name]) => name);
}

/** The name `backend` is registered under, if it is registered. */
export function backendName(backend: Backend): string | undefined {
  for (const [name, entry] of registry) if (entry.backend === backend) return name;
  return undefined;
}

/**
 * The first backend of `preferred` (or of every registered one, by priority) whose `init` succeeds,
 * with the reasons the candidates before it were skipped. Throws `RuntimeError('NO_BACKEND')` naming
 * each one tried: `[cuda] <reason>, [cpu] <reason>`.
 */
export async function resolveBackend(preferred?: readonly string[]): Promise<ResolvedBackend> {
  const names = preferred && preferred.length > 0 ? preferred : listBackends();
  const failures: string[] = [];
  for (const name of names) {
    const entry = registry.get(name);
    if (!entry) {
      failures.push(
        `[${name}] not available on this platform (known: ${listBackends().join(', ') || 'none'})`,
      );
      continue;
    }
    entry.ready ??= entry.backend.init();
    try {
      await entry.ready;
      return { name, backend: entry.backend, fallbackReasons: failures };
    } catch (error) {
      failures.push(`[${name}] ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new RuntimeError('NO_BACKEND', `no available backend: ${failures.join(', ')}`);
}

/** Test hook: forget every registration. */
export function __internal_resetBackends(): void {
  registry.clear();
}
