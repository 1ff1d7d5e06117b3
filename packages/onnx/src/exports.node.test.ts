/** package.json `exports` must mirror the tsup entry list (STYLE.md rule 3). */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import config from '../tsup.config.js';

describe('package exports', () => {
  it('have one subpath per tsup entry, source and dist alike', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    const entries = (config as { entry: Record<string, string> }).entry;
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
    expect(subpaths.sort()).toEqual(
      Object.keys(entries)
        .map((e) => (e === 'index' ? '.' : `./${e}`))
        .sort(),
    );
    for (const [entry, source] of Object.entries(entries)) {
      const branch = pkg.exports[entry === 'index' ? '.' : `./${entry}`];
      expect(branch).toEqual({
        '@nvlm-ts/source': `./${source}`,
        types: `./dist/${entry}.d.ts`,
        import: `./dist/${entry}.js`,
      });
    }
  });
});
