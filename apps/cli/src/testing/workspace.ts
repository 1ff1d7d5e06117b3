/**
 * A temporary working directory for CLI tests: created before the file's tests, removed after, and
 * a `run` that calls `main` in it with in-memory streams.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { main } from '../main.js';
import { memoryIO } from './memory-io.js';

export interface CliWorkspace {
  /** The directory (set once the file's tests start). */
  readonly root: string;
  /** Runs `nvlm argv...` in the directory; resolves to the exit code and both outputs. */
  run(argv: string[], stdin?: string): Promise<{ code: number; out: string; err: string }>;
}

/** Registers the directory's setup and cleanup hooks; call at the top level of a test file. */
export function useCliWorkspace(name: string): CliWorkspace {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), `nvlm-cli-${name}-`));
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    async run(argv, stdin = '') {
      const io = memoryIO(stdin, root);
      const code = await main(argv, io);
      return { code, out: io.out(), err: io.err() };
    },
  };
}
