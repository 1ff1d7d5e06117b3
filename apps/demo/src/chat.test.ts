/** The answer's stats line: every number of the worker's result, in a fixed order. */
import { describe, expect, it } from 'vitest';
import { describeStats } from './chat.js';

describe('describeStats', () => {
  it('names tokens, TTFT, decode rate, prompt make-up, tiles and why the answer ended', () => {
    const line = describeStats({
      finishReason: 'abort',
      completionTokens: 9,
      promptTokens: 1866,
      imageTokens: 1792,
      cachedTokens: 40,
      tiles: 7,
      ttftMs: 2281.4,
      decodeTokensPerSecond: 69.25,
      totalMs: 2400,
    });
    expect(line).toBe(
      '9 tokens · TTFT 2281 ms · 69.3 tokens/s · prompt 1866 tokens (1792 image, 40 cached) · 7 tiles · stopped',
    );
  });

  it('leaves out tiles for a text-only prompt', () => {
    const line = describeStats({
      finishReason: 'stop',
      completionTokens: 1,
      promptTokens: 10,
      imageTokens: 0,
      cachedTokens: 0,
      tiles: 0,
      ttftMs: 5,
      decodeTokensPerSecond: 0,
      totalMs: 5,
    });
    expect(line).toBe(
      '1 token · TTFT 5 ms · 0.0 tokens/s · prompt 10 tokens (0 image, 0 cached) · end of answer',
    );
  });
});
