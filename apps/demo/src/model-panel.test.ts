/** Byte sizes as the progress bars print them (decimal units, worked by hand). */
import { describe, expect, it } from 'vitest';
import { formatBytes } from './model-panel.js';

describe('formatBytes', () => {
  it('prints bytes, then kB / MB / GB with one decimal below 10', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(15_360)).toBe('15 kB');
    expect(formatBytes(5_400_000)).toBe('5.4 MB');
    expect(formatBytes(21_000_000)).toBe('21 MB');
    expect(formatBytes(3_500_000_000)).toBe('3.5 GB');
    expect(formatBytes(3_500_000_000_000)).toBe('3500 GB');
  });
});
