/**
 * Reports of evaluation runs: a Markdown table and a self-contained HTML page (table + SVG bar
 * chart) beside the NVLM 1.0 72B numbers of the paper.
 */
export { escapeHtml, renderHtmlReport } from './html.js';
export { escapeMarkdown, renderMarkdownReport } from './markdown.js';
export type { ReportOptions } from './rows.js';
