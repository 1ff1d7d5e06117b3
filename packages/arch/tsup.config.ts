import { defineConfig, type Options } from 'tsup';

/** One entry list per platform; package.json `exports` mirrors it (node -> node.js, else index.js; ./testing). */
const shared: Options = { format: 'esm', target: 'es2022', dts: true, sourcemap: true, treeshake: true };

export default defineConfig([
  {
    ...shared,
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    platform: 'browser',
    clean: true,
  },
  { ...shared, entry: { node: 'src/node.ts' }, platform: 'node', target: 'node20' },
]);
