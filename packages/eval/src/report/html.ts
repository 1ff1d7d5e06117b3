/**
 * The HTML report: one self-contained file (no external scripts, styles or fonts) with the same table
 * as the Markdown report and an inline SVG grouped bar chart of ours vs NVLM-D/X/H per benchmark on a
 * 0-100 axis (OCRBench divided by 10). Every text from the summaries and options is HTML-escaped.
 */
import type { BenchmarkSummary } from '../benchmarks/types.js';
import {
  formatDelta,
  formatScore,
  MODEL_NAMES,
  type ReportOptions,
  type ReportRow,
  reportRows,
  resolveOptions,
  rowLabel,
} from './rows.js';

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

//#region chart geometry (SVG user units)
/** Height of the plot area: a value of 100 is a bar this tall. */
export const CHART_PLOT_HEIGHT = 240;
const BAR_WIDTH = 14;
const BAR_GAP = 2;
const GROUP_GAP = 28;
const MARGIN_LEFT = 44;
const MARGIN_TOP = 36;
const MARGIN_BOTTOM = 48;
const MARGIN_RIGHT = 16;
/** Horizontal step between legend entries. */
const LEGEND_STEP = 110;
//#endregion

const SERIES = [
  { key: 'ours', label: 'Ours', color: '#d9480f' },
  { key: 'd', label: MODEL_NAMES.d, color: '#1c7ed6' },
  { key: 'x', label: MODEL_NAMES.x, color: '#37b24d' },
  { key: 'h', label: MODEL_NAMES.h, color: '#7048e8' },
] as const;

/** A value on the 0-100 axis: percent as is, points / 10; clamped to [0, 100]. */
function axisValue(value: number, unit: 'percent' | 'points'): number {
  const v = unit === 'points' ? value / 10 : value;
  return Number.isFinite(v) ? Math.min(100, Math.max(0, v)) : 0;
}

const n = (x: number) => String(Math.round(x * 100) / 100);

function chartSvg(rows: readonly ReportRow[], model: string | undefined): string {
  const groupWidth = SERIES.length * (BAR_WIDTH + BAR_GAP) - BAR_GAP;
  const legendWidth = MARGIN_LEFT + SERIES.length * LEGEND_STEP;
  const width = Math.max(legendWidth, MARGIN_LEFT + rows.length * (groupWidth + GROUP_GAP) + MARGIN_RIGHT);
  const height = MARGIN_TOP + CHART_PLOT_HEIGHT + MARGIN_BOTTOM;
  const baseline = MARGIN_TOP + CHART_PLOT_HEIGHT;
  const ours = model === undefined ? 'Ours' : `Ours (${model})`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title chart-desc" font-family="system-ui, sans-serif" font-size="11" viewBox="0 0 ${n(width)} ${n(height)}" width="${n(width)}" height="${n(height)}">`,
    `<title id="chart-title">${escapeHtml(ours)} vs NVLM-D, NVLM-X and NVLM-H per benchmark</title>`,
    `<desc id="chart-desc">Grouped bars on a 0 to 100 scale, one group per benchmark: ${escapeHtml(
      rows
        .map(
          (r) =>
            `${r.summary.title}${r.summary.unit === 'points' ? ' (points / 10)' : ''} ours ${formatScore(r.summary.score, r.summary.unit)}, NVLM-D ${formatScore(r.paper.d, r.summary.unit)}`,
        )
        .join('; '),
    )}.</desc>`,
  ];
  for (let tick = 0; tick <= 100; tick += 20) {
    const y = baseline - (tick / 100) * CHART_PLOT_HEIGHT;
    parts.push(
      `<line class="grid" stroke="#e9ecef" x1="${MARGIN_LEFT}" x2="${n(width - MARGIN_RIGHT)}" y1="${n(y)}" y2="${n(y)}" aria-hidden="true"/>`,
      `<text class="tick" x="${MARGIN_LEFT - 6}" y="${n(y + 4)}" text-anchor="end" aria-hidden="true">${tick}</text>`,
    );
  }
  SERIES.forEach((s, i) => {
    const x = MARGIN_LEFT + i * LEGEND_STEP;
    parts.push(
      `<g class="legend" aria-hidden="true"><rect x="${x}" y="8" width="12" height="12" fill="${s.color}"/><text x="${x + 16}" y="18">${escapeHtml(s.label)}</text></g>`,
    );
  });
  rows.forEach((row, g) => {
    const { summary, paper } = row;
    const x0 = MARGIN_LEFT + GROUP_GAP / 2 + g * (groupWidth + GROUP_GAP);
    const label = summary.unit === 'points' ? `${summary.title} (÷10)` : summary.title;
    parts.push(`<g class="group" role="group" aria-label="${escapeHtml(label)}">`);
    SERIES.forEach((s, i) => {
      const value = s.key === 'ours' ? summary.score : paper[s.key];
      const h = (axisValue(value, summary.unit) / 100) * CHART_PLOT_HEIGHT;
      const x = x0 + i * (BAR_WIDTH + BAR_GAP);
      const text = `${summary.title}, ${s.key === 'ours' ? ours : s.label}: ${formatScore(value, summary.unit)}${summary.unit === 'points' ? ' points' : '%'}`;
      parts.push(
        `<rect data-benchmark="${escapeHtml(summary.benchmark)}" data-series="${s.key}" x="${n(x)}" y="${n(baseline - h)}" width="${BAR_WIDTH}" height="${n(h)}" fill="${s.color}" role="img" aria-label="${escapeHtml(text)}"><title>${escapeHtml(text)}</title></rect>`,
      );
    });
    parts.push(
      `<text class="label" x="${n(x0 + groupWidth / 2)}" y="${baseline + 18}" text-anchor="middle" aria-hidden="true">${escapeHtml(label)}</text>`,
      '</g>',
    );
  });
  parts.push(
    `<line class="axis" stroke="#868e96" x1="${MARGIN_LEFT}" x2="${n(width - MARGIN_RIGHT)}" y1="${baseline}" y2="${baseline}" aria-hidden="true"/>`,
    '</svg>',
  );
  return parts.join('\n');
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#212529;background:#fff}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #dee2e6;padding:.35rem .6rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:.3rem 0}
.pos{color:#2b8a3e}.neg{color:#c92a2a}svg{max-width:100%;height:auto}svg text{font-size:11px;fill:#495057}
svg .grid{stroke:#e9ecef}svg .axis{stroke:#868e96}figcaption,.note{color:#495057;font-size:.9rem}`;

/**
 * Renders summaries as one self-contained HTML page: the report table (as in
 * {@link renderMarkdownReport}) and an accessible inline SVG bar chart. All user text is escaped.
 * @throws {RangeError} for an unknown `compareTo`; {TypeError} for a summary of an unknown benchmark.
 */
export function renderHtmlReport(
  summaries: readonly BenchmarkSummary[],
  options: ReportOptions = {},
): string {
  const { title, model, compareTo } = resolveOptions(options);
  const rows = reportRows(summaries, compareTo);
  const head = [
    'Benchmark',
    'Ours',
    'NVLM-D',
    'NVLM-X',
    'NVLM-H',
    `Δ vs ${MODEL_NAMES[compareTo]}`,
    'Samples',
    'Failed',
  ];
  const body = rows.map((row) => {
    const { summary, paper } = row;
    const unit = summary.unit;
    const delta = formatDelta(row.delta, unit);
    const cls = delta.startsWith('+') ? ' pos' : delta.startsWith('-') ? ' neg' : '';
    const cells = [
      `<th scope="row">${escapeHtml(rowLabel(row))}<br><small>${escapeHtml(summary.variant)} / ${escapeHtml(summary.promptStyle)}</small></th>`,
      ...[summary.score, paper.d, paper.x, paper.h].map(
        (v) => `<td class="num">${formatScore(v, unit)}</td>`,
      ),
      `<td class="num${cls}">${delta}</td>`,
      `<td class="num">${summary.samples}</td>`,
      `<td class="num">${summary.failed}</td>`,
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    model !== undefined ? `<p>Model: <strong>${escapeHtml(model)}</strong></p>` : '',
    '<table>',
    `<caption>Scores beside NVLM 1.0 72B (paper, Table 7)</caption>`,
    `<thead><tr>${head.map((h, i) => `<th scope="col"${i > 0 ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
    '<figure>',
    chartSvg(rows, model),
    '<figcaption>Bars on a 0-100 scale; OCRBench (points out of 1000) is divided by 10.</figcaption>',
    '</figure>',
    '<p class="note">OCRBench is in points out of 1000; a partial run is scaled to 1000. Failed samples count as wrong.</p>',
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}
