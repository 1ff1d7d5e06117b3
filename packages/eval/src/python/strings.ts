/**
 * Python 3 `str` semantics that the official (Python) scorers depend on and that JavaScript strings
 * do not share. Follows EVAL.md §0.3 items 1-4 and 7 and CPython's `Objects/unicodeobject.c`
 * (`_Py_ascii_whitespace`, `Py_UNICODE_ISSPACE`, `split_whitespace`, `do_strip`).
 */

/**
 * Python's whitespace set (`str.isspace()`, used by no-argument `strip()`/`split()`): the Unicode
 * `White_Space` characters plus the four ASCII separators `\x1c-\x1f`, and NOT U+FEFF (the BOM),
 * which JavaScript's `trim()` and `\s` treat as whitespace. U+180E is not whitespace in Python 3.
 */
const PY_WHITESPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
  0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Python `ch.isspace()` for one code point. */
export function isPySpace(codePoint: number): boolean {
  return PY_WHITESPACE.has(codePoint);
}

/** The code points of `s`, as Python indexes them (astral characters count once). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Python `len(s)`: the number of code points (JS `.length` counts UTF-16 units). */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Python `s.strip(chars)` / `lstrip` / `rstrip`. Without `chars`, strips Python whitespace; with
 * `chars`, strips any code point in that string (a set, not a prefix). All whitespace and strip
 * characters in the official scorers are BMP, but astral characters are handled too.
 */
export function pyStrip(s: string, chars?: string, side: 'both' | 'left' | 'right' = 'both'): string {
  const cps = Array.from(s);
  const strip =
    chars === undefined
      ? (c: string) => PY_WHITESPACE.has(c.codePointAt(0) as number)
      : (
          (set: Set<string>) => (c: string) =>
            set.has(c)
        )(new Set(Array.from(chars)));
  let start = 0;
  let end = cps.length;
  if (side !== 'right') while (start < end && strip(cps[start] as string)) start++;
  if (side !== 'left') while (end > start && strip(cps[end - 1] as string)) end--;
  return cps.slice(start, end).join('');
}

/** Python `s.rstrip(chars)`. */
export function pyRstrip(s: string, chars?: string): string {
  return pyStrip(s, chars, 'right');
}

/** Python `s.split()` with no arguments: split on runs of Python whitespace, dropping empty parts. */
export function pySplit(s: string): string[] {
  const out: string[] = [];
  let word = '';
  for (const c of s) {
    if (PY_WHITESPACE.has(c.codePointAt(0) as number)) {
      if (word !== '') out.push(word);
      word = '';
    } else {
      word += c;
    }
  }
  if (word !== '') out.push(word);
  return out;
}

/** Python `' '.join(s.split())`: collapse every whitespace run to one space and trim. */
export function pyCollapseSpaces(s: string): string {
  return pySplit(s).join(' ');
}

/**
 * Python `haystack.rfind(needle)` in code points (-1 when absent). Only compared against other
 * `rfind` results of the same haystack, so UTF-16 indexes would order the same; code points are
 * returned anyway so values match Python's.
 */
export function pyRfind(haystack: string, needle: string): number {
  const i = haystack.lastIndexOf(needle);
  return i < 0 ? -1 : pyLen(haystack.slice(0, i));
}

/**
 * The value (0-9) of a Unicode decimal digit (`\p{Nd}`), or -1. Unicode guarantees that `Nd`
 * characters come in contiguous runs of ten, zero first, so the value is the distance from the start
 * of the run modulo 10 (runs such as U+1D7CE-U+1D7FF hold several sets back to back).
 */
export function unicodeDigitValue(ch: string): number {
  const cp = ch.codePointAt(0);
  if (cp === undefined || !ND.test(ch)) return -1;
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  let run = 0;
  while (ND.test(String.fromCodePoint(cp - run - 1))) run++;
  return run % 10;
}

const ND = /^\p{Nd}$/u;

/** Replace every Unicode decimal digit by its ASCII digit (what `float()`/`int()` do first). */
export function asciiDigits(s: string): string {
  return s.replace(/\p{Nd}/gu, (d) => String(unicodeDigitValue(d)));
}
