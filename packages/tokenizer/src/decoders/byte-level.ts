/**
 * The `ByteLevel` decoder: maps byte-alphabet characters back to bytes and decodes them as UTF-8,
 * invalid sequences becoming U+FFFD per maximal subpart (Rust `String::from_utf8_lossy` and the
 * WHATWG decoder agree on this). A token with a character outside the alphabet contributes its own
 * UTF-8 bytes.
 * Reference: huggingface/tokenizers `pre_tokenizers/byte_level.rs` (`Decoder for ByteLevel`).
 */
import { CHAR_TO_BYTE } from '../pre-tokenizers/byte-level.js';
import type { Decoder } from './decoder.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Byte-level tokens -> one UTF-8 decoded string. */
export class ByteLevelDecoder implements Decoder {
  decodeChain(tokens: string[]): string[] {
    let total = 0;
    for (const t of tokens) total += t.length * 3;
    const bytes = new Uint8Array(total);
    let n = 0;
    for (const token of tokens) {
      let ok = true;
      const start = n;
      for (let i = 0; i < token.length; i++) {
        const c = token.charCodeAt(i);
        const b = c < 512 ? CHAR_TO_BYTE[c]! : -1;
        if (b < 0) {
          ok = false;
          break;
        }
        bytes[n++] = b;
      }
      if (!ok) {
        n = start + encoder.encodeInto(token, bytes.subarray(start)).written;
      }
    }
    return [decoder.decode(bytes.subarray(0, n))];
  }
}
