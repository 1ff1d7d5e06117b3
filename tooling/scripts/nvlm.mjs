#!/usr/bin/env node
/**
 * `pnpm nvlm <args>`: builds the CLI and the packages it uses when their sources changed (turbo's
 * cache makes this a no-op otherwise), then runs it. Build output goes to stderr so that the
 * command's own stdout (JSONL, raw tensors) stays clean; it is shown only when the build fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const turbo = fileURLToPath(new URL('../../node_modules/.bin/turbo', import.meta.url));
const bin = fileURLToPath(new URL('../../apps/cli/dist/bin.js', import.meta.url));

if (!existsSync(turbo)) {
  process.stderr.write("nvlm: dependencies are not installed; run 'pnpm install' first\n");
  process.exit(1);
}
const build = spawnSync(
  turbo,
  ['run', 'build', '--filter=@nvlm-ts/cli...', '--output-logs=errors-only', '--log-prefix=none'],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  },
);
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
  process.stderr.write('nvlm: building the CLI failed (see above)\n');
  process.exit(build.status ?? 1);
}
const result = spawnSync(process.execPath, [bin, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? (result.signal ? 128 : 1));
