/**
 * Tokenizer benchmark (`pnpm --dir packages/tokenizer bench`), all peers measured in the same run:
 *
 * - encode throughput on a deterministic mixed ~1 MB corpus (multilingual prose, code, numbers,
 *   emoji) with the Qwen tokenizer; every timed pass uses a fresh corpus (new seed) so word caches
 *   only help across genuinely repeated words; passes are interleaved across implementations and the
 *   median is reported; ids are checked identical across implementations;
 * - Qwen tokenizer.json load time (read + parse + build, from the file on disk);
 * - peak memory (max RSS) and retained heap per implementation, each in its own child process.
 *
 * Targets (issue 3): encode >= 25x transformers.js, load <= 300 ms.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTokenizer } from '../src/node.js';
import { generateCorpus } from '../src/testing/corpus.js';
import { modelDir } from '../src/testing/models.js';

const require = createRequire(import.meta.url);
const QWEN_DIR = modelDir('qwen');
const CORPUS_BYTES = 1 << 20;
const encoder = new TextEncoder();

interface Impl {
  name: string;
  load(): Promise<(text: string) => number[]>;
}

const IMPLS: Impl[] = [
  {
    name: 'nvlm-ts',
    async load() {
      const tok = await loadTokenizer(QWEN_DIR);
      return (text) => tok.encode(text, { addSpecialTokens: false });
    },
  },
  {
    name: 'transformers.js',
    async load() {
      const { PreTrainedTokenizer } = await import('@huggingface/transformers');
      const json = JSON.parse(readFileSync(join(QWEN_DIR, 'tokenizer.json'), 'utf8'));
      const config = JSON.parse(readFileSync(join(QWEN_DIR, 'tokenizer_config.json'), 'utf8'));
      const tok = new PreTrainedTokenizer(json, config);
      return (text) => tok.encode(text, { add_special_tokens: false });
    },
  },
  {
    name: '@huggingface/tokenizers',
    async load() {
      const { Tokenizer } = require('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers');
      const json = JSON.parse(readFileSync(join(QWEN_DIR, 'tokenizer.json'), 'utf8'));
      const config = JSON.parse(readFileSync(join(QWEN_DIR, 'tokenizer_config.json'), 'utf8'));
      const tok = new Tokenizer(json, config);
      return (text) => tok.encode(text, { add_special_tokens: false }).ids;
    },
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, digits = 1) => x.toFixed(digits).padStart(8);

/** Child-process mode: load + encode one corpus, print memory figures as JSON. */
async function memoryProbe(name: string): Promise<void> {
  const impl = IMPLS.find((i) => i.name === name)!;
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const before = process.memoryUsage();
  const encode = await impl.load();
  encode(generateCorpus(CORPUS_BYTES, 1000));
  gc();
  const after = process.memoryUsage();
  process.stdout.write(
    JSON.stringify({
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      heapDeltaMiB: (after.heapUsed - before.heapUsed) / 2 ** 20,
      externalDeltaMiB:
        (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / 2 ** 20,
    }),
  );
}

async function main(): Promise<void> {
  const probe = process.argv.indexOf('--memory-probe');
  if (probe >= 0) return memoryProbe(process.argv[probe + 1]!);

  console.log(`Qwen tokenizer: ${QWEN_DIR}`);
  console.log(`node ${process.version}, corpus ~${(CORPUS_BYTES / 2 ** 20).toFixed(1)} MB per pass\n`);

  // Load time: the first load (cold JIT) and the median of the next ones.
  const loads = new Map<string, { first: number; median: number }>();
  const encoders = new Map<string, (text: string) => number[]>();
  for (const impl of IMPLS) {
    const times: number[] = [];
    for (let k = 0; k < 4; k++) {
      const t0 = performance.now();
      const encode = await impl.load();
      times.push(performance.now() - t0);
      encoders.set(impl.name, encode);
    }
    loads.set(impl.name, { first: times[0]!, median: median(times.slice(1)) });
  }

  // Throughput: one warm-up pass each, then timed passes over fresh corpora, interleaved across
  // implementations (pass k of every implementation runs back to back) so that load from other
  // processes hits all of them alike; the median pass speed is reported.
  const PASSES = 4;
  const corpora = Array.from({ length: PASSES }, (_, k) => generateCorpus(CORPUS_BYTES, 100 + k));
  const bytes = corpora.map((text) => encoder.encode(text).length);
  const passSpeeds = new Map<string, number[]>(IMPLS.map((impl) => [impl.name, []]));
  for (const impl of IMPLS) encoders.get(impl.name)!(generateCorpus(CORPUS_BYTES, 7));
  for (let k = 0; k < PASSES; k++) {
    let reference: number[] | undefined;
    for (const impl of IMPLS) {
      const encode = encoders.get(impl.name)!;
      const t0 = performance.now();
      const ids = encode(corpora[k]!);
      const ms = performance.now() - t0;
      passSpeeds.get(impl.name)!.push(bytes[k]! / 2 ** 20 / (ms / 1000));
      if (reference === undefined) reference = ids;
      else if (reference.length !== ids.length || reference.some((id, i) => id !== ids[i]))
        throw new Error(`${impl.name}: ids differ from nvlm-ts on corpus ${k}`);
    }
  }
  const speed = new Map<string, number>(IMPLS.map((impl) => [impl.name, median(passSpeeds.get(impl.name)!)]));

  // Memory: each implementation alone in a child process.
  const self = fileURLToPath(import.meta.url);
  const memory = new Map<string, { maxRssMiB: number; heapDeltaMiB: number; externalDeltaMiB: number }>();
  for (const impl of IMPLS) {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', self, '--memory-probe', impl.name],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    memory.set(impl.name, JSON.parse(out));
  }

  console.log(
    'implementation              encode MB/s   load first ms  load median ms   max RSS MiB  heap+ MiB  ext+ MiB',
  );
  for (const impl of IMPLS) {
    const l = loads.get(impl.name)!;
    const m = memory.get(impl.name)!;
    console.log(
      `${impl.name.padEnd(26)}${fmt(speed.get(impl.name)!, 2)}      ${fmt(l.first, 0)}        ${fmt(l.median, 0)}      ${fmt(m.maxRssMiB, 0)}   ${fmt(m.heapDeltaMiB, 1)}  ${fmt(m.externalDeltaMiB, 1)}`,
    );
  }
  const ours = speed.get('nvlm-ts')!;
  const tjs = speed.get('transformers.js')!;
  const hf = speed.get('@huggingface/tokenizers')!;
  const load = loads.get('nvlm-ts')!;
  console.log('');
  console.log(
    `encode ratio nvlm-ts / transformers.js:          ${(ours / tjs).toFixed(1)}x  (target >= 25x)`,
  );
  console.log(`encode ratio nvlm-ts / @huggingface/tokenizers:  ${(ours / hf).toFixed(1)}x`);
  console.log(
    `load ratio transformers.js / nvlm-ts:           ${(loads.get('transformers.js')!.median / load.median).toFixed(1)}x`,
  );
  console.log(
    `nvlm-ts Qwen load: ${load.median.toFixed(0)} ms median, ${load.first.toFixed(0)} ms first (target <= 300 ms)`,
  );
  console.log('ids: identical across all three implementations on every timed corpus');
}

await main();
