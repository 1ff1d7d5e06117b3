/**
 * Shared vitest settings for every package and app.
 *
 * - Resolves workspace packages through the `@nvlm-ts/source` export condition, so tests run on
 *   `src/` and never need a prior build.
 * - Writes a JSON report per package to `<package>/.reports/vitest.json` (a turbo output, so a
 *   cached test run restores it); `tooling/scripts/test-summary.mjs` sums them into the closing
 *   `tests: N passed, N failed` line of `.ci/run`.
 */
import { defaultClientConditions, defaultServerConditions, mergeConfig } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const SOURCE_CONDITION = '@nvlm-ts/source';

/** Builds a package's vitest config; `name` is its package.json name. */
export function definePackageConfig(name: string, overrides: ViteUserConfig = {}): ViteUserConfig {
  const base = defineConfig({
    resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: ['default', 'json'],
      outputFile: { json: '.reports/vitest.json' },
      testTimeout: 30_000,
      // Loading real tokenizers and building tiny models takes seconds, more on a busy 2-core CI box.
      hookTimeout: 120_000,
      // Two cores: one fork per core, and no file-level oversubscription.
      pool: 'forks',
      maxWorkers: 2,
    },
  });
  return mergeConfig(base, overrides);
}
