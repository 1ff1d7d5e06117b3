/**
 * The `Replace` normalizer: replaces every match of a literal string or an Oniguruma regex.
 * Reference: huggingface/tokenizers `normalizers/replace.rs`.
 */
import { AlignedBuilder, type AlignedString, type Normalizer, originalRange } from './normalizer.js';

/** Replaces each match of `pattern` (a global RegExp) by `content`. */
export class ReplaceNormalizer implements Normalizer {
  constructor(
    readonly pattern: RegExp,
    readonly content: string,
  ) {}

  normalize(text: string): string {
    // A function replacer keeps `$` in `content` literal.
    return text.replace(this.pattern, () => this.content);
  }

  normalizeAligned(input: AlignedString): AlignedString {
    const builder = new AlignedBuilder();
    let last = 0;
    this.pattern.lastIndex = 0;
    for (let m = this.pattern.exec(input.text); m !== null; m = this.pattern.exec(input.text)) {
      const from = m.index;
      const to = from + m[0].length;
      if (to === from) {
        this.pattern.lastIndex++;
        continue;
      }
      builder.copy(input, last, from);
      const [s, e] = originalRange(input, from, to);
      builder.push(this.content, s, e);
      last = to;
    }
    builder.copy(input, last, input.text.length);
    return builder.build();
  }
}
