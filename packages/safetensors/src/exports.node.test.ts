/** package.json `exports` must mirror the tsup entry list (STYLE.md rule 3). */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import configs from '../tsup.config.js';

describe('package exports', () => {
  it('map node -> dist/node.js and browser/default -> dist/index.js, as tsup builds them', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    const entries = (configs as { entry: Record<string, string> }[]).flatMap((c) => Object.entries(c.entry));
    expect(Object.fromEntries(entries)).toEqual({ index: 'src/index.ts', node: 'src/node.ts' });
    const root = pkg.exports['.'];
    expect(root['@nvlm-ts/source']).toEqual({ node: './src/node.ts', default: './src/index.ts' });
    expect(root.node).toEqual({ types: './dist/node.d.ts', import: './dist/node.js' });
    expect(root.browser).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(root.default).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
  });
});
