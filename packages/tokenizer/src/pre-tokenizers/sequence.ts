/**
 * The `Sequence` pre-tokenizer: each stage splits the pieces of the one before.
 * Reference: huggingface/tokenizers `pre_tokenizers/sequence.rs`.
 */
import type { PieceSink, PreTokenizer } from './pre-tokenizer.js';

/** Chains pre-tokenizers. */
export class SequencePreTokenizer implements PreTokenizer {
  constructor(readonly preTokenizers: readonly PreTokenizer[]) {}

  split(text: string, start: number, prefix: number, first: boolean, emit: PieceSink): void {
    this.run(0, text, start, prefix, first, emit);
  }

  private run(k: number, text: string, start: number, prefix: number, first: boolean, emit: PieceSink): void {
    const stage = this.preTokenizers[k];
    if (stage === undefined) {
      emit(text, start, prefix, first);
      return;
    }
    stage.split(text, start, prefix, first, (t, s, p, f) => this.run(k + 1, t, s, p, f, emit));
  }
}
