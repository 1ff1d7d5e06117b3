/**
 * Incremental (streaming) detokenization: feed token ids as a model generates them and get text
 * pieces that never end in a broken UTF-8 sequence, and whose concatenation equals `decode` of all ids.
 *
 * Method (as text-generation-inference's `decode_token`): keep a window of recent ids, decode the
 * window with and without the new ids, emit the difference unless it ends in U+FFFD (an incomplete
 * character: wait for more bytes). Windows start where the text so far ended on a whole character,
 * so window decoding agrees with decoding everything.
 */
import type { DecodeOptions } from './tokenizer.js';

/** Options of the incremental decoder. */
export interface IncrementalDecoderOptions extends DecodeOptions {}

/** What the incremental decoder needs from a tokenizer. */
export interface DecodesIds {
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
}

/** Streaming detokenizer; create it with `tokenizer.createIncrementalDecoder()`. */
export class IncrementalDecoder {
  private ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;

  constructor(
    private readonly tokenizer: DecodesIds,
    private readonly options: IncrementalDecoderOptions = {},
  ) {}

  /** Adds one id or several; returns the new text that is safe to show (possibly empty). */
  push(ids: number | readonly number[]): string {
    if (typeof ids === 'number') this.ids.push(ids);
    else for (const id of ids) this.ids.push(id);
    const prefixText = this.tokenizer.decode(
      this.ids.slice(this.prefixOffset, this.readOffset),
      this.options,
    );
    const newText = this.tokenizer.decode(this.ids.slice(this.prefixOffset), this.options);
    if (newText.length > prefixText.length && !newText.endsWith('\uFFFD') && newText.startsWith(prefixText)) {
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      return newText.slice(prefixText.length);
    }
    return '';
  }

  /** Returns whatever text is still held back (e.g. a trailing U+FFFD) and resets the decoder. */
  flush(): string {
    const prefixText = this.tokenizer.decode(
      this.ids.slice(this.prefixOffset, this.readOffset),
      this.options,
    );
    const newText = this.tokenizer.decode(this.ids.slice(this.prefixOffset), this.options);
    this.ids = [];
    this.prefixOffset = 0;
    this.readOffset = 0;
    return newText.length > prefixText.length ? newText.slice(prefixText.length) : '';
  }

  /** Every id pushed since the last flush. */
  get tokenIds(): readonly number[] {
    return this.ids;
  }
}
