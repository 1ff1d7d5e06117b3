import { describe, expect, it } from 'vitest';
import { createProgressBar, formatEta, type RunProgress } from './progress.js';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (text: string) => writes.push(text) }, writes };
}

const snapshot = (done: number, extra: Partial<RunProgress> = {}): RunProgress => ({
  benchmark: 'chartqa',
  done,
  total: 100,
  failed: 0,
  resumed: 0,
  inFlight: 0,
  score: undefined,
  elapsedMs: 0,
  finished: false,
  ...extra,
});

describe('formatEta', () => {
  it('prints mm:ss and h:mm:ss', () => {
    expect(formatEta(0)).toBe('00:00');
    expect(formatEta(75)).toBe('01:15');
    expect(formatEta(3725)).toBe('1:02:05');
    expect(formatEta(Number.NaN)).toBe('--:--');
  });
});

describe('createProgressBar', () => {
  it('on a terminal redraws one line with rate, ETA from the window, score and failures', () => {
    let t = 0;
    const { stream, writes } = sink(true);
    const bar = createProgressBar({ stream, now: () => t });
    bar.update(snapshot(0));
    t = 10_000;
    // 20 samples in 10 s = 2/s; 80 left -> 40 s.
    bar.update(snapshot(20, { score: 61.25, failed: 2 }));
    bar.finish();
    expect(writes[1]).toBe(
      '\rchartqa [#####-------------------]  20% 20/100 2.00/s ETA 00:40 score 61.3 failed 2\x1b[K',
    );
    expect(writes.at(-1)).toBe('\n');
  });

  it('off a terminal prints at most every 10 s plus the final state', () => {
    let t = 0;
    const { stream, writes } = sink(false);
    const bar = createProgressBar({ stream, now: () => t });
    for (let done = 0; done <= 50; done++) {
      t = done * 500; // one sample every 0.5 s: 25 s in all
      bar.update(snapshot(done));
    }
    bar.update(snapshot(50, { finished: true, total: 50 }));
    bar.finish();
    // Drawn at 0 s, 10 s, 20 s, then the finished line.
    expect(writes.map((w) => /\d+\/\d+/.exec(w)?.[0])).toEqual(['0/100', '20/100', '40/100', '50/50']);
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes.at(-1)).toContain('100% 50/50 2.00/s ETA 00:00');
  });

  it('resumed samples do not inflate the rate', () => {
    let t = 0;
    const { stream, writes } = sink(true);
    const bar = createProgressBar({ stream, now: () => t, redrawMs: 0 });
    bar.update(snapshot(40, { resumed: 40 }));
    t = 4000;
    bar.update(snapshot(44, { resumed: 40 }));
    expect(writes[1]).toContain('44/100 1.00/s ETA 00:56');
    expect(writes[1]).toContain('resumed 40');
  });
});
