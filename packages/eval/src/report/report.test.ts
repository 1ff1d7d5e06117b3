/**
 * Markdown and HTML reports: table cells, Δ signs and bar heights worked out by hand from the paper
 * numbers of NVLM.md 14.1 (MMMU val D/X/H 59.7/57.4/60.2, OCRBench 853/828/831), and escaping.
 */
import { describe, expect, it } from 'vitest';
import type { BenchmarkSummary } from '../benchmarks/types.js';
import { renderHtmlReport, renderMarkdownReport } from './index.js';

const MMMU: BenchmarkSummary = {
  benchmark: 'mmmu',
  title: 'MMMU',
  unit: 'percent',
  variant: 'official',
  promptStyle: 'nvlm',
  score: 60.0,
  samples: 900,
  failed: 2,
};
const OCR: BenchmarkSummary = {
  benchmark: 'ocrbench',
  title: 'OCRBench',
  unit: 'points',
  variant: 'official',
  promptStyle: 'nvlm',
  score: 840,
  samples: 1000,
  failed: 0,
};

describe('renderMarkdownReport', () => {
  it('one row per benchmark in paper order, Δ vs NVLM-D by default', () => {
    const md = renderMarkdownReport([OCR, MMMU], { model: 'nvlm-d-72b' });
    const lines = md.split('\n');
    expect(lines[0]).toBe('# NVLM evaluation report');
    expect(md).toContain('Model: nvlm-d-72b');
    const header = lines.findIndex((l) => l.startsWith('| Benchmark'));
    expect(lines[header]).toBe(
      '| Benchmark | Ours | NVLM-D | NVLM-X | NVLM-H | Δ vs NVLM-D | Samples | Failed |',
    );
    expect(lines[header + 2]).toBe('| MMMU (val, %) | 60.0 | 59.7 | 57.4 | 60.2 | +0.3 | 900 | 2 |');
    expect(lines[header + 3]).toBe('| OCRBench (test, points) | 840 | 853 | 828 | 831 | -13 | 1000 | 0 |');
  });

  it('compares with NVLM-H on request', () => {
    const md = renderMarkdownReport([MMMU], { compareTo: 'h', title: 'Run 1' });
    expect(md.startsWith('# Run 1\n')).toBe(true);
    expect(md).toContain('| Δ vs NVLM-H |');
    expect(md).toContain('| MMMU (val, %) | 60.0 | 59.7 | 57.4 | 60.2 | -0.2 | 900 | 2 |'); // 60.0 - 60.2
  });

  it('a zero difference has no sign', () => {
    expect(renderMarkdownReport([{ ...MMMU, score: 59.7 }])).toContain('| 0.0 | 900 |');
  });

  it('escapes user text', () => {
    const md = renderMarkdownReport([MMMU], { model: 'a|b <script>alert(1)</script>', title: 'x\n# y' });
    expect(md).not.toContain('<script>');
    expect(md).toContain('a\\|b &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md.split('\n')[0]).toBe('# x \\# y');
  });

  it('rejects a bad compareTo', () => {
    expect(() => renderMarkdownReport([MMMU], { compareTo: 'q' as 'd' })).toThrow(RangeError);
    expect(() => renderMarkdownReport([MMMU], { compareTo: 'q' as 'd' })).toThrow(/'compareTo'/);
  });
});

/** `height` of the bar of `benchmark`/`series`. */
function barHeight(html: string, benchmark: string, series: string): number {
  const m = new RegExp(
    `<rect data-benchmark="${benchmark}" data-series="${series}"[^>]*height="([\\d.]+)"`,
  ).exec(html);
  if (!m) throw new Error(`no bar ${benchmark}/${series}`);
  return Number(m[1]);
}

describe('renderHtmlReport', () => {
  const html = renderHtmlReport([OCR, MMMU], { model: 'nvlm-d-72b' });

  it('is one self-contained page', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|\bsrc=|@import|url\(/i);
    expect(html).toContain(
      '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title chart-desc"',
    );
    expect(html).toContain('<title id="chart-title">');
    expect(html).toContain('<desc id="chart-desc">');
  });

  it('has the table cells of the Markdown report', () => {
    expect(html).toContain(
      '<td class="num">60.0</td><td class="num">59.7</td><td class="num">57.4</td><td class="num">60.2</td><td class="num pos">+0.3</td>',
    );
    expect(html).toContain('<td class="num neg">-13</td>');
    expect(html.indexOf('MMMU (val, %)')).toBeLessThan(html.indexOf('OCRBench (test, points)'));
  });

  it('draws bars proportional on a 0-100 axis, OCRBench divided by 10', () => {
    // Plot height 240: 60.0 -> 144, 59.7 -> 143.28; 840 / 10 = 84 -> 201.6; 853 -> 85.3 -> 204.72.
    expect(barHeight(html, 'mmmu', 'ours')).toBeCloseTo(144, 6);
    expect(barHeight(html, 'mmmu', 'd')).toBeCloseTo(143.28, 6);
    expect(barHeight(html, 'mmmu', 'h')).toBeCloseTo(144.48, 6);
    expect(barHeight(html, 'ocrbench', 'ours')).toBeCloseTo(201.6, 6);
    expect(barHeight(html, 'ocrbench', 'd')).toBeCloseTo(204.72, 6);
    expect(html).toContain('OCRBench (÷10)');
  });

  it('clamps scores outside 0-100 (Megatron OCRBench can pass 1000)', () => {
    const over = renderHtmlReport([{ ...OCR, score: 1200 }]);
    expect(barHeight(over, 'ocrbench', 'ours')).toBe(240);
  });

  it('escapes the model name and the title everywhere', () => {
    const evil = renderHtmlReport([MMMU], { model: '<script>alert("x")</script>', title: '<b>T</b> & "q"' });
    expect(evil).not.toContain('<script>');
    expect(evil).not.toContain('<b>T</b>');
    expect(evil).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(evil).toContain('<title>&lt;b&gt;T&lt;/b&gt; &amp; &quot;q&quot;</title>');
  });
});
