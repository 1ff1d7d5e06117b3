/**
 * The `TemplateProcessing` post-processor: `single`/`pair` templates such as `<s> $A` that insert
 * special tokens around the sequences (BOS/EOS/CLS/SEP) and set type ids.
 * Reference: huggingface/tokenizers `processors/template.rs`.
 */
import type { PostProcessor, RawEncoding } from './post-processor.js';

/** One template element: a sequence slot or a special token (its ids). */
export type TemplatePiece =
  | { kind: 'sequence'; sequence: 'A' | 'B'; typeId: number }
  | { kind: 'special'; ids: readonly number[]; typeId: number };

/** Inserts special tokens per template. */
export class TemplateProcessor implements PostProcessor {
  constructor(
    readonly single: readonly TemplatePiece[],
    readonly pair: readonly TemplatePiece[],
  ) {}

  addedTokens(isPair: boolean): number {
    let count = 0;
    for (const piece of isPair ? this.pair : this.single)
      if (piece.kind === 'special') count += piece.ids.length;
    return count;
  }

  processIds(ids: number[], addSpecialTokens: boolean): number[] {
    if (!addSpecialTokens) return ids;
    const out: number[] = [];
    for (const piece of this.single) {
      if (piece.kind === 'special') for (const id of piece.ids) out.push(id);
      else if (piece.sequence === 'A') for (let k = 0; k < ids.length; k++) out.push(ids[k]!);
    }
    return out;
  }

  processEach(encodings: RawEncoding[], addSpecialTokens: boolean): RawEncoding[] {
    if (!addSpecialTokens) return encodings;
    const template = encodings.length > 1 ? this.pair : this.single;
    const withOffsets = encodings.every((e) => e.offsets !== undefined);
    const withTokens = encodings.every((e) => e.tokens !== undefined);
    const out: RawEncoding = {
      ids: [],
      offsets: withOffsets ? [] : undefined,
      typeIds: [],
      tokens: withTokens ? [] : undefined,
    };
    for (const piece of template) {
      if (piece.kind === 'special') {
        for (const id of piece.ids) {
          out.ids.push(id);
          out.offsets?.push(0, 0);
          out.typeIds.push(piece.typeId);
          out.tokens?.push('');
        }
      } else {
        const source = encodings[piece.sequence === 'A' ? 0 : 1];
        if (!source) continue;
        for (let k = 0; k < source.ids.length; k++) {
          out.ids.push(source.ids[k]!);
          out.typeIds.push(piece.typeId);
        }
        if (out.offsets) out.offsets.push(...source.offsets!);
        if (out.tokens) out.tokens.push(...source.tokens!);
      }
    }
    return [out];
  }
}
