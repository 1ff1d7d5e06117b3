/**
 * Reading the judge model's replies: an option letter (or `Z`) out of a matching reply, in the spirit
 * of VLMEvalKit's `can_infer_option` (punctuation to spaces, exactly one option letter among the
 * tokens), and the answer out of a MathVista extraction reply.
 */

/** Characters VLMEvalKit's `can_infer_option` turns into spaces before splitting (plus quotes). */
const PUNCTUATION = /[.()[\],:;!*#{}'"`]/g;

/**
 * The option letter a matching reply names: the whole reply if it is one valid letter (`B`, `(B)`,
 * `**B**`), else the letter after "answer is"/"output:"/"option", else the only valid letter among the
 * reply's words. Valid letters are `letters` and `Z`. Undefined when none or several are named.
 */
export function parseOptionLetter(reply: string, letters: readonly string[]): string | undefined {
  const valid = new Set([...letters, 'Z']);
  const bare = reply.replace(PUNCTUATION, ' ').trim();
  if (valid.has(bare)) return bare;
  const stated = /(?:answer\s+is|output\s*:|option|answer\s*:)\s*[(*"']*([A-Z])(?![A-Za-z])/i.exec(reply);
  if (stated && valid.has(stated[1] as string)) return stated[1];
  const found = new Set(bare.split(/\s+/).filter((word) => valid.has(word)));
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * The answer in an extraction reply: trimmed, without a repeated `Extracted answer:` label, first
 * non-empty line only. Undefined for an empty reply.
 */
export function parseExtraction(reply: string): string | undefined {
  const text = reply.trim().replace(/^extracted answer\s*:\s*/i, '');
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line === undefined || line === '' ? undefined : line;
}
