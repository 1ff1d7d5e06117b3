import { describe, expect, it } from 'vitest';
import { backoffDelay, MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry.js';

describe('backoffDelay (full jitter)', () => {
  it('draws in [0, min(cap, base * 2^(retry-1))): ceilings 500, 1000, 2000, ... capped at 30 s', () => {
    const top = () => 0.999999;
    // floor(0.999999 * ceiling) = ceiling - 1 for these ceilings.
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((r) => backoffDelay(r, top))).toEqual([
      499, 999, 1999, 3999, 7999, 15999, 29999, 29999,
    ]);
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.5)).toBe(1000);
    expect(backoffDelay(2, () => 0.5, { baseMs: 100, capMs: 150 })).toBe(75);
  });

  it('a Retry-After wins over the draw, up to an hour', () => {
    expect(backoffDelay(1, () => 0.5, {}, 2000)).toBe(2000);
    expect(backoffDelay(1, () => 0.5, {}, 0)).toBe(0);
    expect(backoffDelay(1, () => 0.5, {}, 10 * MAX_RETRY_AFTER_MS)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('parseRetryAfter (RFC 9110 10.2.3)', () => {
  it('reads delay-seconds and HTTP-dates', () => {
    const now = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
