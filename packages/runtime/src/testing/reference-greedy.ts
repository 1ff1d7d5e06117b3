/**
 * Test support: greedy decoding with the float64 reference forward pass of @nvlm-ts/arch (which shares
 * no code with the graphs or the runtime), re-running the whole sequence for every token.
 */
import { referenceNvlmD, type TinyModel } from '@nvlm-ts/arch/testing';
import { argmax } from '../sampling.js';

/** The `<image>` token id of the tiny NVLM-D models (Qwen2's `<|image_pad|>`). */
export const IMAGE_TOKEN_ID = 151654;

/** The reference's greedy continuation of `promptIds` (with image `features`, if any) for `steps` tokens. */
export function referenceGreedy(
  model: TinyModel,
  promptIds: readonly number[],
  features: Float64Array | undefined,
  steps: number,
): number[] {
  const ids = [...promptIds];
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { logits } = referenceNvlmD(model.config, model.reference, ids, features, IMAGE_TOKEN_ID, {
      logitsFrom: ids.length - 1,
    });
    const next = argmax(logits);
    out.push(next);
    ids.push(next);
  }
  return out;
}
