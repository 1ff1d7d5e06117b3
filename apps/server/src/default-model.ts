/**
 * The default model of `pnpm start`: the tiny NVLM-D (random weights, the real Qwen2.5 tokenizer
 * and 448 px tiling) made once with `initTiny` + `convert` into the cache, so a fresh clone serves
 * something without downloading anything. Its answers mean nothing.
 */
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { convert, initTiny } from '@nvlm-ts/arch';

/** The served name of the default model. */
export const DEFAULT_MODEL_ID = 'nvlm-d-tiny-random';

/** $NVLM_CACHE/default-tiny-d, else ~/.cache/nvlm-ts/default-tiny-d (XDG_CACHE_HOME respected). */
export function defaultModelDirectory(env: Record<string, string | undefined> = process.env): string {
  const cache = env.NVLM_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'nvlm-ts');
  return join(cache, 'default-tiny-d');
}

/**
 * The default model's directory, created on first use (about two seconds). Concurrent first runs
 * are safe: each builds in a temporary directory and the first rename wins.
 */
export async function ensureDefaultModel(
  options: { dir?: string; onCreate?: (dir: string) => void } = {},
): Promise<{ dir: string; created: boolean }> {
  const dir = options.dir ?? defaultModelDirectory();
  const ready = () =>
    stat(join(dir, 'nvlm.json')).then(
      () => true,
      () => false,
    );
  if (await ready()) return { dir, created: false };
  options.onCreate?.(dir);
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const work = await mkdtemp(join(parent, '.default-tiny-d-'));
  try {
    await initTiny({ arch: 'nvlm-d', out: join(work, 'checkpoint'), seed: 0 });
    await convert(join(work, 'checkpoint'), join(work, 'onnx'), { dtype: 'fp32' });
    await rm(dir, { recursive: true, force: true }); // a half-made directory without nvlm.json
    await rename(join(work, 'onnx'), dir).catch(async (error: NodeJS.ErrnoException) => {
      if (!(await ready())) throw error; // lost a race to another first run: use its copy
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { dir, created: true };
}
