/**
 * The sample-dataset generator: PNGs checked by decoding them with sharp (libvips/libspng, an
 * independent decoder), CRC-32 against the standard check values, glyphs against hand-drawn bitmaps,
 * and the written datasets read back with the package's own JSONL/TSV readers.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkName } from '../benchmarks/types.js';
import { readJsonl } from '../datasets/jsonl.js';
import { decodeBase64, readVlmEvalKitTsv } from '../datasets/tsv.js';
import { pyListRepr, pyStrRepr } from './datasets.js';
import { drawText, FONT_CHARACTERS, glyph } from './font.js';
import { encodePng, writeSampleDataset } from './index.js';
import { crc32 } from './png.js';
import { COLORS, RgbImage } from './raster.js';

const NAMES: readonly BenchmarkName[] = [
  'mmmu',
  'mathvista',
  'ocrbench',
  'ai2d',
  'chartqa',
  'docvqa',
  'textvqa',
  'vqav2',
  'realworldqa',
];

async function decode(png: Uint8Array) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvlm-eval-samples-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('encodePng', () => {
  it('computes CRC-32 with the standard check values', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082); // the CRC every PNG ends with
  });
  it('decodes with sharp to exactly the pixels written', async () => {
    const width = 7;
    const height = 5;
    const rgb = new Uint8Array(width * height * 3);
    let x = 12345;
    for (let i = 0; i < rgb.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      rgb[i] = x >>> 24;
    }
    const png = encodePng(width, height, rgb);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const out = await decode(png);
    expect([out.width, out.height, out.channels]).toEqual([width, height, 3]);
    expect(out.data).toEqual(rgb);
    expect((await decode(encodePng(1, 1, Uint8Array.of(1, 2, 3)))).data).toEqual(Uint8Array.of(1, 2, 3));
  });
  it('rejects bad sizes and buffers', () => {
    expect(() => encodePng(0, 1, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodePng(1.5, 1, new Uint8Array(3))).toThrow(/'width' must be an integer/);
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow(/12 bytes, got 11/);
  });
});

describe('bitmap font', () => {
  it('has digits, A-Z and punctuation, each 7 rows of 5 cells', () => {
    for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ .,:-+=%?!/()') expect(FONT_CHARACTERS).toContain(c);
    for (const c of FONT_CHARACTERS) {
      const g = glyph(c);
      expect(g).toHaveLength(7);
      for (const row of g) expect(row).toHaveLength(5);
    }
    expect(() => glyph('a')).toThrow(RangeError);
  });
  it('draws a glyph cell by cell at the given scale (checked through PNG + sharp)', async () => {
    // Hand-drawn 'T' and '1' (independent of the font table).
    const expected: Record<string, string[]> = {
      T: ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..'],
      '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
    };
    for (const [char, rows] of Object.entries(expected)) {
      const scale = 3;
      const image = new RgbImage(5 * scale + 2, 7 * scale + 2);
      drawText(image, char, 1, 1, scale, COLORS.black);
      const out = await decode(encodePng(image.width, image.height, image.data));
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const cx = Math.floor((x - 1) / scale);
          const cy = Math.floor((y - 1) / scale);
          const ink = x >= 1 && y >= 1 && cx < 5 && cy < 7 && rows[cy]?.[cx] === '#';
          expect(out.data[(y * image.width + x) * 3], `${char} at ${x},${y}`).toBe(ink ? 0 : 255);
        }
      }
    }
  });
});

describe('Python literals for TSV answer cells', () => {
  it('matches repr()', () => {
    expect(pyStrRepr('yes')).toBe("'yes'");
    expect(pyStrRepr("it's")).toBe('"it\'s"');
    expect(pyStrRepr('say "hi" it\'s')).toBe("'say \"hi\" it\\'s'");
    expect(pyStrRepr('a\\b\n')).toBe("'a\\\\b\\n'");
    expect(pyListRepr(['yes', 'no'])).toBe("['yes', 'no']");
  });
});

async function jsonlRecords(file: string) {
  const out: Record<string, unknown>[] = [];
  for await (const { record } of readJsonl(createReadStream(file))) out.push(record);
  return out;
}
async function tsvRecords(file: string) {
  const out: Record<string, string>[] = [];
  for await (const { record } of readVlmEvalKitTsv(createReadStream(file))) out.push(record);
  return out;
}

/** Per-benchmark fields of the JSONL layout (EVAL-RUNNER.md). */
function checkJsonlLayout(benchmark: BenchmarkName, r: Record<string, unknown>): void {
  expect(typeof r.question).toBe('string');
  const letters = (n: number) => ['A', 'B', 'C', 'D'].slice(0, n);
  switch (benchmark) {
    case 'vqav2':
    case 'textvqa':
      expect(r.answers).toHaveLength(10);
      break;
    case 'docvqa':
      expect(Array.isArray(r.answers)).toBe(true);
      break;
    case 'chartqa':
      expect(typeof r.answer).toBe('string');
      expect(['human', 'augmented']).toContain(r.split);
      break;
    case 'ocrbench':
      expect(typeof r.answers === 'string' || Array.isArray(r.answers)).toBe(true);
      expect(typeof r.dataset_name).toBe('string');
      expect(typeof r.type).toBe('string');
      break;
    case 'ai2d':
      expect(r.choices).toHaveLength(4);
      expect(letters(4)).toContain(r.answer);
      break;
    case 'realworldqa':
      if (r.choices !== undefined) expect(letters(4)).toContain(r.answer);
      else expect(r.answer).toMatch(/^\d$/);
      break;
    case 'mmmu':
      expect(['multiple-choice', 'open']).toContain(r.question_type);
      expect(Array.isArray(r.options)).toBe(true);
      if (r.question_type === 'multiple-choice') expect(letters(4)).toContain(r.answer);
      break;
    case 'mathvista': {
      expect(r.query).toMatch(/^Hint: .*\nQuestion: /);
      expect(['multi_choice', 'free_form']).toContain(r.question_type);
      expect(['integer', 'float', 'text', 'list']).toContain(r.answer_type);
      if (r.question_type === 'multi_choice') {
        const choices = r.choices as string[];
        expect(choices).toContain(r.answer);
        expect(r.query).toContain(`\nChoices:\n(A) ${choices[0]}\n(B) ${choices[1]}`);
      } else expect(r.choices).toBeNull();
      if (r.answer_type === 'float') expect(r.precision).toBe(1);
      break;
    }
  }
}

describe('writeSampleDataset', () => {
  it.each(NAMES)('%s: JSONL with PNGs beside it, in the runner layout', async (benchmark) => {
    const out = join(dir, `jsonl-${benchmark}`);
    const { file, count } = await writeSampleDataset(benchmark, out, { count: 6, seed: 3 });
    expect(file).toBe(join(out, `${benchmark}.jsonl`));
    expect(count).toBe(6);
    const records = await jsonlRecords(file);
    expect(records.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const r of records) {
      expect(r.image).toMatch(/^images\/[a-z0-9]+-\d{4}\.png$/);
      const image = await decode(await readFile(join(out, r.image as string)));
      expect(image.channels).toBe(3);
      checkJsonlLayout(benchmark, r);
    }
  });

  it.each(NAMES)('%s: VLMEvalKit TSV with base64 PNGs', async (benchmark) => {
    const out = join(dir, `tsv-${benchmark}`);
    const { file } = await writeSampleDataset(benchmark, out, { format: 'tsv', count: 6, seed: 3 });
    expect(file).toBe(join(out, `${benchmark}.tsv`));
    const rows = await tsvRecords(file);
    const jsonl = await jsonlRecords((await writeSampleDataset(benchmark, out, { count: 6, seed: 3 })).file);
    expect(rows.map((r) => r.index)).toEqual(['0', '1', '2', '3', '4', '5']);
    for (const [i, row] of rows.entries()) {
      const image = await decode(decodeBase64(row.image as string));
      const fromJsonl = await readFile(join(out, jsonl[i]?.image as string));
      expect(decodeBase64(row.image as string)).toEqual(new Uint8Array(fromJsonl)); // same sample, same PNG
      expect(image.channels).toBe(3);
      expect(typeof row.answer).toBe('string');
      const j = jsonl[i] as Record<string, unknown>;
      expect(row.question).toBe(benchmark === 'mathvista' ? j.query : j.question);
      if (
        benchmark === 'vqav2' ||
        benchmark === 'textvqa' ||
        benchmark === 'docvqa' ||
        benchmark === 'ocrbench'
      ) {
        const answers = j.answers;
        expect(row.answer).toBe(pyListRepr(typeof answers === 'string' ? [answers] : (answers as string[])));
      }
      if (benchmark === 'ocrbench') expect(row.category).toBe(j.type);
      const choices = (j.choices ?? j.options) as string[] | null | undefined;
      if (benchmark !== 'mathvista' && Array.isArray(choices) && choices.length > 0) {
        expect([row.A, row.B, row.C, row.D]).toEqual(choices);
        expect(row.answer).toBe(j.answer);
      }
      if (benchmark === 'mathvista' && j.choices) expect(row.choices).toBe(pyListRepr(j.choices as string[]));
    }
  });

  it('draws the gold answer: VQAv2 square colour and RealWorldQA square count, read from the pixels', async () => {
    const vqa = await jsonlRecords((await writeSampleDataset('vqav2', join(dir, 'gold'), { seed: 11 })).file);
    for (const r of vqa) {
      const image = await decode(await readFile(join(dir, 'gold', r.image as string)));
      const at = (80 * image.width + 80) * 3;
      const color = (r.answers as string[])[0] as keyof typeof COLORS;
      expect(Array.from(image.data.subarray(at, at + 3))).toEqual([...COLORS[color]]);
    }
    const rwq = await jsonlRecords(
      (await writeSampleDataset('realworldqa', join(dir, 'gold'), { seed: 11 })).file,
    );
    for (const r of rwq) {
      const image = await decode(await readFile(join(dir, 'gold', r.image as string)));
      let squares = 0; // cell centres on the 3×3 grid that are not white
      for (let cy = 0; cy < 3; cy++) {
        for (let cx = 0; cx < 3; cx++) {
          const at = ((28 + cy * 48) * image.width + 28 + cx * 48) * 3;
          if (image.data[at] !== 255 || image.data[at + 1] !== 255 || image.data[at + 2] !== 255) squares++;
        }
      }
      const gold = r.choices ? (r.choices as string[])['ABCD'.indexOf(r.answer as string)] : r.answer;
      expect(String(squares)).toBe(gold);
    }
  });

  it.each(NAMES)(
    '%s is deterministic: same seed, byte-identical files; another seed, different files',
    async (benchmark) => {
      const read = async (sub: string, seed: number, format: 'jsonl' | 'tsv') => {
        const out = join(dir, `det-${benchmark}-${sub}-${format}`);
        const { file } = await writeSampleDataset(benchmark, out, { seed, format, count: 4 });
        const files = [await readFile(file)];
        if (format === 'jsonl') {
          for (const name of (await readdir(join(out, 'images'))).sort()) {
            files.push(await readFile(join(out, 'images', name)));
          }
        }
        return Buffer.concat(files);
      };
      for (const format of ['jsonl', 'tsv'] as const) {
        const a = await read('a', 42, format);
        const b = await read('b', 42, format);
        const c = await read('c', 43, format);
        expect(a.equals(b)).toBe(true);
        expect(a.equals(c)).toBe(false);
      }
    },
  );

  it('rejects bad arguments with RangeError', async () => {
    await expect(writeSampleDataset('nope' as BenchmarkName, dir)).rejects.toThrow(
      /'benchmark' must be one of/,
    );
    await expect(writeSampleDataset('vqav2', dir, { count: 0 })).rejects.toThrow(RangeError);
    await expect(writeSampleDataset('vqav2', dir, { seed: -1 })).rejects.toThrow(/'seed'/);
    await expect(writeSampleDataset('vqav2', dir, { format: 'csv' as 'tsv' })).rejects.toThrow(/'format'/);
  });
});
