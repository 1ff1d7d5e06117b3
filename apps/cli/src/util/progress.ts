/**
 * A one-line progress bar for long jobs, on stderr: redrawn in place on a terminal, printed as
 * occasional plain lines otherwise (CI logs), silent with `quiet`.
 */

export interface ProgressBarOptions {
  /** Where to draw (stderr). */
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Label before the bar. */
  label: string;
  quiet?: boolean;
  /** Injected clock for tests (ms). */
  now?: () => number;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

export class ProgressBar {
  readonly #options: ProgressBarOptions;
  readonly #start: number;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #lastPercent = -1;

  constructor(options: ProgressBarOptions) {
    this.#options = options;
    this.#start = (options.now ?? Date.now)();
  }

  /** Renders the line for `done` of `total` bytes and `items` of `itemsTotal`. */
  line(done: number, total: number, items: number, itemsTotal: number): string {
    const elapsed = ((this.#options.now ?? Date.now)() - this.#start) / 1000;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const rate = elapsed > 0 ? `${formatBytes(done / elapsed)}/s` : '';
    return `${this.#options.label} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${items}/${itemsTotal} tensors ${formatBytes(done)}/${formatBytes(total)} ${rate} ETA ${formatDuration(eta)}`.trimEnd();
  }

  update(done: number, total: number, items: number, itemsTotal: number): void {
    const o = this.#options;
    if (o.quiet) return;
    const now = (o.now ?? Date.now)();
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    if (o.stream.isTTY) {
      if (now - this.#lastDraw < 100 && done < total) return;
      this.#lastDraw = now;
      o.stream.write(`\r${this.line(done, total, items, itemsTotal)}\x1b[K`);
    } else if (percent >= this.#lastPercent + 10 || (done >= total && this.#lastPercent < 100)) {
      this.#lastPercent = percent;
      o.stream.write(`${this.line(done, total, items, itemsTotal)}\n`);
    }
  }

  /** Ends the line on a terminal. */
  finish(): void {
    if (!this.#options.quiet && this.#options.stream.isTTY) this.#options.stream.write('\n');
  }
}
