import { defineConfig, type Options } from 'tsup';

/** Entries per platform; package.json `exports` mirrors them (node -> node.js, browser -> browser.js, else index.js). */
const shared: Options = { format: 'esm', target: 'es2022', dts: true, sourcemap: true, treeshake: true };

export default defineConfig([
  {
    ...shared,
    entry: { index: 'src/index.ts', browser: 'src/browser.ts' },
    platform: 'browser',
    clean: true,
  },
  { ...shared, entry: { node: 'src/node.ts' }, platform: 'node', target: 'node20' },
]);
