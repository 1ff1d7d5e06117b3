/**
 * Unicode normalization forms: the `NFC`, `NFD`, `NFKC` and `NFKD` normalizers.
 *
 * Text goes through `String.prototype.normalize` (ICU). For alignments the text is cut into clusters
 * (a base character with its combining marks, Hangul jamo runs), which normalization never merges
 * across, and each cluster is normalized on its own. Within a changed cluster, output characters
 * align to the input character that starts the run producing them: a composed `é` from `e` + U+0301
 * points at the `e` alone, as in huggingface/tokenizers, which aligns through per-character change
 * counts.
 * Reference: huggingface/tokenizers `normalizers/unicode.rs`; UAX #15.
 */
import { AlignedBuilder, type AlignedString, type Normalizer } from './normalizer.js';

/** The four Unicode normalization forms. */
export type UnicodeForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

/** A starter with its following combining marks; Hangul L/V/T jamo compose, so they cluster too. */
const CLUSTER = /[\u1100-\u115F]*[\u1160-\u11FF]+|[\s\S][\p{M}\u1160-\u11FF]*/gu;

/** Applies one Unicode normalization form. */
export class UnicodeNormalizer implements Normalizer {
  constructor(readonly form: UnicodeForm) {}

  normalize(text: string): string {
    return text.normalize(this.form);
  }

  normalizeAligned(input: AlignedString): AlignedString {
    if (input.text.normalize(this.form) === input.text) return input;
    const builder = new AlignedBuilder();
    const text = input.text;
    CLUSTER.lastIndex = 0;
    for (let m = CLUSTER.exec(text); m !== null; m = CLUSTER.exec(text)) {
      const from = m.index;
      const to = from + m[0].length;
      const out = m[0].normalize(this.form);
      if (out === m[0]) {
        builder.copy(input, from, to);
        continue;
      }
      // Walk input and output together: the shortest run of input characters whose normalization is
      // the next part of the output produces that part, and it aligns to the run's first character
      // (the others were absorbed, as huggingface/tokenizers' per-character change counts record it).
      const inputs = [...m[0]];
      let unit = from;
      let p = 0;
      let k = 0;
      while (k < out.length && p < inputs.length) {
        let len = 1;
        let produced = '';
        for (; p + len <= inputs.length; len++) {
          produced = inputs
            .slice(p, p + len)
            .join('')
            .normalize(this.form);
          if (produced.length > 0 && out.startsWith(produced, k)) break;
        }
        const width = inputs[p]!.length;
        if (p + len > inputs.length) {
          // No clean correspondence (reordered marks): the rest aligns to the current character.
          builder.push(out.slice(k), input.start[unit]!, input.end[unit + width - 1]!);
          k = out.length;
          break;
        }
        builder.push(produced, input.start[unit]!, input.end[unit + width - 1]!);
        k += produced.length;
        for (let q = 0; q < len; q++) unit += inputs[p + q]!.length;
        p += len;
      }
      if (k < out.length) builder.push(out.slice(k), input.start[to - 1]!, input.end[to - 1]!);
    }
    return builder.build();
  }
}
