/**
 * The `ByteFallback` decoder: runs of `<0xXX>` tokens become the string their bytes spell in UTF-8,
 * or one U+FFFD per byte when they are not valid UTF-8.
 * Reference: huggingface/tokenizers `decoders/byte_fallback.rs`.
 */
import type { Decoder } from './decoder.js';

const BYTE_TOKEN = /^<0x([0-9A-F]{2})>$/;
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `<0xXX>` runs -> text. */
export class ByteFallbackDecoder implements Decoder {
  decodeChain(tokens: string[]): string[] {
    const out: string[] = [];
    let pending: number[] = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      try {
        out.push(strict.decode(Uint8Array.from(pending)));
      } catch {
        for (let k = 0; k < pending.length; k++) out.push('\uFFFD');
      }
      pending = [];
    };
    for (const token of tokens) {
      const m = token.length === 6 ? BYTE_TOKEN.exec(token) : null;
      if (m) pending.push(Number.parseInt(m[1]!, 16));
      else {
        flush();
        out.push(token);
      }
    }
    flush();
    return out;
  }
}
