import { defineConfig } from 'tsup';

/**
 * Three entries: the platform-free scorers, benchmarks and report renderers (`index`), the Node runner
 * (`node`: files, fsync'd results, endpoints and the in-process model), and the sample-dataset
 * generator for tests (`testing`).
 */
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: 'esm',
    target: 'es2022',
    platform: 'neutral',
    dts: true,
    sourcemap: true,
    treeshake: true,
    clean: true,
  },
  {
    entry: { node: 'src/node.ts', testing: 'src/testing/index.ts' },
    format: 'esm',
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    treeshake: true,
    clean: false,
  },
]);
