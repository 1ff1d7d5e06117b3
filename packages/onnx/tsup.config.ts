import { defineConfig } from 'tsup';

/** Entry list; package.json `exports` mirrors it: `.` -> index, `./node` -> node (fs-based saveModel). */
export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['node:fs/promises', 'node:path'],
  dts: true,
  sourcemap: true,
  clean: true,
});
