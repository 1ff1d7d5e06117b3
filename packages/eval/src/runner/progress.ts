/**
 * The evaluation progress bar: on a terminal one line redrawn in place (`\r`), elsewhere (CI logs,
 * files) a plain line at most every 10 s and one at the end. Shows done/total, percent, samples per
 * second and the ETA (both from a moving window of the last minute), the running score and failures.
 */

/** A snapshot of a run, as the runner reports it. */
export interface RunProgress {
  readonly benchmark: string;
  /** Samples finished in the run's scope: resumed from earlier runs, answered and failed. */
  readonly done: number;
  /** Samples in the scope (the dataset count up to the limit). */
  readonly total: number;
  /** Samples recorded as failed (every attempt failed, or the output could not be scored). */
  readonly failed: number;
  /** Samples that already had an output from an earlier run. */
  readonly resumed: number;
  /** Requests in flight now. */
  readonly inFlight: number;
  /**
   * Mean per-sample score over the finished samples in the paper's unit (x100, or x1000 for OCRBench
   * points; failed count 0); undefined before any.
   */
  readonly score: number | undefined;
  readonly elapsedMs: number;
  /** True on the last report of a run. */
  readonly finished: boolean;
}

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** Where to draw (stderr); `isTTY` picks the mode. */
  readonly stream: { write(text: string): unknown; isTTY?: boolean | undefined };
  /** Milliseconds clock (default `Date.now`). */
  readonly now?: () => number;
  /** Shortest time between two plain lines when not on a terminal (default 10 000 ms). */
  readonly logIntervalMs?: number;
  /** Shortest time between two redraws on a terminal (default 100 ms). */
  readonly redrawMs?: number;
}

/** A progress display fed with {@link RunProgress} snapshots. */
export interface ProgressBar {
  update(progress: RunProgress): void;
  /** Draws the last state (if not drawn) and ends the line on a terminal. */
  finish(): void;
}

/** Moving window for the rate, ms. */
const RATE_WINDOW_MS = 60_000;
const BAR_WIDTH = 24;

/** `m:ss` / `h:mm:ss`; `--:--` when unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Creates a progress bar writing to `options.stream`. */
export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const now = options.now ?? Date.now;
  const tty = options.stream.isTTY === true;
  const logInterval = options.logIntervalMs ?? 10_000;
  const redraw = options.redrawMs ?? 100;
  const window: { t: number; done: number }[] = [];
  let lastDraw = Number.NEGATIVE_INFINITY;
  let last: RunProgress | undefined;
  let drawnLast = false;

  const rate = (): number => {
    const first = window[0];
    const newest = window.at(-1);
    if (!first || !newest || newest.t <= first.t) return Number.NaN;
    return (newest.done - first.done) / ((newest.t - first.t) / 1000);
  };

  const line = (p: RunProgress): string => {
    const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : p.finished ? 1 : 0;
    const filled = Math.round(fraction * BAR_WIDTH);
    const perSecond = rate();
    const eta = perSecond > 0 ? (p.total - p.done) / perSecond : Number.NaN;
    const parts = [
      `${p.benchmark} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`,
      `${(fraction * 100).toFixed(0).padStart(3)}%`,
      `${p.done}/${p.total}`,
      Number.isFinite(perSecond) ? `${perSecond.toFixed(perSecond < 10 ? 2 : 1)}/s` : '-/s',
      `ETA ${p.finished && p.done >= p.total ? formatEta(0) : formatEta(eta)}`,
      p.score === undefined ? 'score -' : `score ${p.score.toFixed(1)}`,
    ];
    if (p.failed > 0) parts.push(`failed ${p.failed}`);
    if (p.resumed > 0) parts.push(`resumed ${p.resumed}`);
    return parts.join(' ');
  };

  const draw = (p: RunProgress, t: number) => {
    lastDraw = t;
    drawnLast = true;
    options.stream.write(tty ? `\r${line(p)}\x1b[K` : `${line(p)}\n`);
  };

  return {
    update(progress) {
      const t = now();
      window.push({ t, done: progress.done - progress.resumed });
      while (window.length > 2 && (window[0] as { t: number }).t < t - RATE_WINDOW_MS) window.shift();
      last = progress;
      drawnLast = false;
      if (progress.finished || t - lastDraw >= (tty ? redraw : logInterval)) draw(progress, t);
    },
    finish() {
      if (last && !drawnLast) draw(last, now());
      if (tty && last) options.stream.write('\n');
    },
  };
}
