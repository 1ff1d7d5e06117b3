/**
 * Writing a model directory atomically: everything goes to a temporary sibling directory that is
 * renamed into place at the end, so a failure leaves nothing half-written at the destination.
 */
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ArchError } from '../errors.js';

/** Throws `OUTPUT_EXISTS` early when `out` is a non-empty directory and `overwrite` is off. */
export async function checkOutputDirectory(out: string, overwrite: boolean): Promise<void> {
  if (overwrite) return;
  const entries = await readdir(resolve(out)).catch(() => [] as string[]);
  if (entries.length > 0)
    throw new ArchError('OUTPUT_EXISTS', `output directory ${resolve(out)} exists and is not empty`);
}

/**
 * Runs `write(tmpDir)` and moves the result to `out`. `out` must not exist or be empty, unless
 * `overwrite` is set (then it is replaced only after `write` succeeded).
 */
export async function writeDirectoryAtomically(
  out: string,
  overwrite: boolean,
  write: (dir: string) => Promise<void>,
): Promise<void> {
  const target = resolve(out);
  const existing = await readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new ArchError('CONVERSION_FAILED', `cannot read output directory ${target}: ${error.message}`, {
      cause: error,
    });
  });
  if (existing && existing.length > 0 && !overwrite) {
    throw new ArchError('OUTPUT_EXISTS', `output directory ${target} exists and is not empty`);
  }
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    await write(tmp);
    if (existing) await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
