/** The browser entry stays platform-free, and both entries export the same public API. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as browser from './index.js';
import * as node from './node.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module specifier reachable from `entry` through relative imports. */
function reachableSpecifiers(entry: string): Set<string> {
  const seen = new Set<string>();
  const specifiers = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else specifiers.add(spec);
    }
  };
  visit(entry);
  return specifiers;
}

describe('entries', () => {
  it('keeps Node built-ins out of the browser entry', () => {
    const specs = [...reachableSpecifiers(join(here, 'index.ts'))];
    expect(specs.filter((s) => s.startsWith('node:') || ['fs', 'path', 'os'].includes(s))).toEqual([]);
    expect(specs).toContain('@huggingface/jinja');
    expect([...reachableSpecifiers(join(here, 'node.ts'))]).toContain('node:fs/promises');
  });

  it('exports the same names from both entries', () => {
    expect(Object.keys(node).sort()).toEqual(Object.keys(browser).sort());
    expect(Object.keys(browser).sort()).toEqual([
      'IncrementalDecoder',
      'SUPPORTED_COMPONENTS',
      'Tokenizer',
      'TokenizerError',
      'loadTokenizer',
      'translateOnigurumaPattern',
    ]);
    expect(node.loadTokenizer).not.toBe(browser.loadTokenizer);
  });
});
