/**
 * The `ByteLevel` post-processor: with `trim_offsets`, offsets exclude the spaces (`Ġ`) at either end
 * of a token. Ids are not changed.
 * Reference: huggingface/tokenizers `pre_tokenizers/byte_level.rs` (`process_offsets`).
 */
import type { PostProcessor, RawEncoding } from './post-processor.js';

const SPACE_CHARS = /^[Ġ\p{White_Space}]+/u;
const SPACE_CHARS_END = /[Ġ\p{White_Space}]+$/u;

/** Trims byte-level offsets. */
export class ByteLevelProcessor implements PostProcessor {
  constructor(
    readonly trimOffsets: boolean,
    readonly addPrefixSpace: boolean,
  ) {}

  addedTokens(): number {
    return 0;
  }

  processIds(ids: number[]): number[] {
    return ids;
  }

  processEach(encodings: RawEncoding[]): RawEncoding[] {
    if (!this.trimOffsets) return encodings;
    for (const e of encodings) {
      if (!e.offsets || !e.tokens) continue;
      for (let k = 0; k < e.ids.length; k++) {
        const token = e.tokens[k]!;
        let leading = [...(SPACE_CHARS.exec(token)?.[0] ?? '')].length;
        const trailing = [...(SPACE_CHARS_END.exec(token)?.[0] ?? '')].length;
        let start = e.offsets[2 * k]!;
        let end = e.offsets[2 * k + 1]!;
        if (leading > 0) {
          if ((k === 0 || start === 0) && this.addPrefixSpace && leading === 1) leading = 0;
          start = Math.min(start + leading, end);
        }
        if (trailing > 0 && end >= trailing) end = Math.max(end - trailing, start);
        e.offsets[2 * k] = start;
        e.offsets[2 * k + 1] = end;
      }
    }
    return encodings;
  }
}
