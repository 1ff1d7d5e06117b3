import { defineConfig } from 'tsup';

/** One platform-free entry: the scorers are pure string functions. */
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: 'esm',
  target: 'es2022',
  platform: 'neutral',
  dts: true,
  sourcemap: true,
  treeshake: true,
  clean: true,
});
