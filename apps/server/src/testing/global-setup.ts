/**
 * Vitest global setup: makes one tiny NVLM-D model (random weights, real tokenizer and tiling)
 * for every test file, in a temporary directory removed afterwards. Global setup files resolve
 * workspace packages through their built `dist` (not the source condition), so this package's
 * tests depend on `^build` (apps/server/turbo.json).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, initTiny } from '@nvlm-ts/arch';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    modelDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'nvlm-server-test-'));
  await initTiny({ arch: 'nvlm-d', out: join(root, 'checkpoint'), seed: 3 });
  await convert(join(root, 'checkpoint'), join(root, 'model'));
  project.provide('modelDir', join(root, 'model'));
  return () => rm(root, { recursive: true, force: true });
}
