/**
 * Test support: a converted tiny model in a fresh temporary directory, and onnxruntime-web's wasm
 * backend for use inside Node (single-threaded, models handed over as bytes).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, initTiny, type NvlmArchId } from '@nvlm-ts/arch';
import * as ortWeb from 'onnxruntime-web';
import type { Backend } from '../backend.js';

/** Makes `<tmp>/ckpt` (init-tiny) and `<tmp>/model` (converted); returns the temporary root. */
export async function makeTinyModelDir(
  name: string,
  seed: number,
  arch: NvlmArchId = 'nvlm-d',
): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `nvlm-${name}-`));
  await initTiny({ arch, out: join(root, 'ckpt'), seed });
  await convert(join(root, 'ckpt'), join(root, 'model'));
  return root;
}

/** onnxruntime-web's wasm backend, usable in Node tests. */
export function wasmInNode(): Backend {
  ortWeb.env.wasm.numThreads = 1;
  return {
    ort: ortWeb as unknown as Backend['ort'],
    executionProviders: ['wasm'],
    needsBytes: true,
    init: async () => {},
  };
}
