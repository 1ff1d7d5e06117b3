/**
 * The committed WebAssembly binaries (src/wasm-binary.ts) must come from the committed sources:
 * rebuild with `sh wasm/build.sh` (clang + lld) after editing wasm/resample.c or wasm/build.sh.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WASM_PLAIN_BASE64, WASM_SHARED_BASE64, WASM_SOURCE_SHA256 } from './wasm-binary.js';

const read = (file: string) => readFileSync(fileURLToPath(new URL(`../wasm/${file}`, import.meta.url)));

describe('embedded WebAssembly kernels', () => {
  it('were built from the current wasm/resample.c and wasm/build.sh (else run sh wasm/build.sh)', () => {
    const hash = createHash('sha256').update(read('resample.c')).update(read('build.sh')).digest('hex');
    expect(hash).toBe(WASM_SOURCE_SHA256);
  });

  it('export the kernels and import one memory, shared only in the shared build', () => {
    for (const [text, shared] of [
      [WASM_PLAIN_BASE64, false],
      [WASM_SHARED_BASE64, true],
    ] as const) {
      const module = new WebAssembly.Module(Buffer.from(text, 'base64'));
      expect(
        WebAssembly.Module.exports(module)
          .map((e) => e.name)
          .sort(),
      ).toEqual(['h_pass', 'h_table', 'normalize', 'v_pass']);
      expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      const memory = shared
        ? new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true })
        : new WebAssembly.Memory({ initial: 2 });
      expect(() => new WebAssembly.Instance(module, { env: { memory } })).not.toThrow();
    }
  });
});
