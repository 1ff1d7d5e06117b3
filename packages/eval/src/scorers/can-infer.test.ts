/**
 * VLMEvalKit `can_infer` (EVAL.md §9.3). Expected values worked out by hand from the rules: the
 * token split of `.()[],:;!*#{}`, the last-4-tokens rule (`index > len - 5`), the `answer is X`
 * regex, and `can_infer_text` with its `2 x total option length` limit.
 */
import { describe, expect, it } from 'vitest';
import { CAN_INFER_VERSIONS, canInfer, canInferOption, canInferText } from './can-infer.js';

const ANIMALS = { A: 'cat', B: 'dog', C: 'bird', D: 'fish' }; // total length 14 -> limit 28

describe('canInferOption', () => {
  it('takes a single letter token in every version', () => {
    for (const version of CAN_INFER_VERSIONS) {
      expect(canInferOption('B', ANIMALS, { version })).toBe('B');
      expect(canInferOption('The answer is (C).', ANIMALS, { version })).toBe('C');
      expect(canInferOption('[D]', ANIMALS, { version })).toBe('D');
    }
  });

  it('rejects two letters and lower-case letters', () => {
    expect(canInferOption('A or B', ANIMALS)).toBeNull();
    expect(canInferOption('b', ANIMALS)).toBeNull();
    expect(canInferOption('B-', ANIMALS)).toBeNull(); // '-' is not a separator: token 'B-'
  });

  it('needs the first occurrence among the last 4 tokens since 2025-08 (index > len - 5)', () => {
    // 5 tokens: index 0 > 0 is false, index 1 > 0 is true.
    expect(canInferOption('B x y z w', ANIMALS)).toBeNull();
    expect(canInferOption('x B y z w', ANIMALS)).toBe('B');
    expect(canInferOption('B x y z w', ANIMALS, { version: 'pre-2026-06' })).toBeNull();
    expect(canInferOption('B x y z w', ANIMALS, { version: 'pre-2025-08' })).toBe('B');
    // First occurrence counts, even when the letter repeats at the end.
    expect(canInferOption('B x y z B', ANIMALS)).toBeNull();
  });

  it('maps refusals and a lone Z to Z, API failures to nothing', () => {
    expect(canInferOption('Z', ANIMALS)).toBe('Z');
    expect(canInferOption('none of them, Z', ANIMALS)).toBe('Z');
    expect(canInferOption('Sorry: Cannot determine the answer B', ANIMALS)).toBe('Z');
    expect(canInferOption('Failed to obtain answer via API. B', ANIMALS)).toBeNull();
    // A letter and Z together: count is 1, the letter wins.
    expect(canInferOption('B Z', ANIMALS)).toBe('B');
  });

  it("reads 'answer is X' only in the current version", () => {
    const text = 'The correct answer is **C** because birds fly over water';
    // 10 tokens, C at index 4: 4 > 5 is false, so only the regex finds it.
    expect(canInferOption(text, ANIMALS)).toBe('C');
    expect(canInferOption(text, ANIMALS, { version: 'pre-2026-06' })).toBeNull();
    expect(canInferOption(text, ANIMALS, { version: 'pre-2025-08' })).toBe('C');
    expect(canInferOption('answer is b', ANIMALS)).toBe('B'); // (?i)
    expect(canInferOption('answer is b', ANIMALS, { version: 'pre-2026-06' })).toBeNull();
    expect(canInferOption('answer is E', ANIMALS)).toBeNull(); // not a choice
  });
});

describe('canInferText', () => {
  it('finds exactly one option text, case-insensitively', () => {
    expect(canInferText('A Dog', ANIMALS)).toBe('B');
    expect(canInferText('dog or cat', ANIMALS)).toBeNull();
    expect(canInferText('a horse', ANIMALS)).toBeNull();
  });

  it('gives up on answers longer than twice the options (since 2025-08)', () => {
    const two = { A: 'dog', B: 'cat' }; // limit 12
    expect(canInferText('It is a dog.', two)).toBe('A'); // 12 code points
    expect(canInferText('It is a dog!!', two)).toBeNull(); // 13
    expect(canInferText('It is a dog!!', two, { version: 'pre-2026-06' })).toBeNull();
    expect(canInferText('It is a dog!!', two, { version: 'pre-2025-08' })).toBe('A');
  });
});

describe('canInfer', () => {
  it('falls back from letters to option texts', () => {
    expect(canInfer('a dog', ANIMALS)).toBe('B');
    // The API-failure marker stops the letter rule only; the text rule still runs (36 > 28 since 2025-08).
    expect(canInfer('Failed to obtain answer via API: dog', ANIMALS)).toBeNull();
    expect(canInfer('Failed to obtain answer via API: dog', ANIMALS, { version: 'pre-2025-08' })).toBe('B');
    expect(canInfer('B is correct because the animal barks loudly', ANIMALS)).toBeNull();
    expect(
      canInfer('B is correct because the animal barks loudly', ANIMALS, { version: 'pre-2025-08' }),
    ).toBe('B');
  });
});
