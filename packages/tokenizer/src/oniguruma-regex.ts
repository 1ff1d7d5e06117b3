/**
 * Translates the Oniguruma regexes found in tokenizer.json (the Rust tokenizers compile them with the
 * `onig` crate, Ruby syntax, UTF-8) into JavaScript `u`-mode RegExps with the same matches.
 *
 * What differs and how it is bridged:
 * - `\s`/`\S`: Oniguruma's Unicode White_Space (includes U+0085, excludes U+FEFF) vs JS's list
 *   (includes U+FEFF, excludes U+0085): spelled out as an explicit class.
 * - `\d`, `\w`, `\h` and their negations: Unicode classes as Oniguruma defines them.
 * - `(?i:...)` groups and `(?i)`: JS has no inline flags, so every letter inside is expanded to its
 *   case variants (`s` -> `[sSſ]`, `k` -> `[kKK]`, as Oniguruma's simple case folding does).
 * - `\x{HHHH}`, `\A`, `\z`, `\Z`, identity escapes of non-syntax characters.
 * Atomic groups, possessive quantifiers and `\G` have no JS equivalent and raise `BAD_REGEX`.
 *
 * Reference: Oniguruma doc/RE (https://github.com/kkos/oniguruma/blob/master/doc/RE).
 */
import { TokenizerError } from './errors.js';

/** Oniguruma's `\s` in Unicode mode: the White_Space property. */
const WHITESPACE_CLASS_BODY = '\\t-\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const WORD_CLASS_BODY = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';
const DIGIT_CLASS_BODY = '\\p{Nd}';
const HEX_CLASS_BODY = '0-9a-fA-F';

/** Characters that must stay escaped in a JS `u`-mode pattern (outside classes). */
const SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/'.split(''));
/** Characters that must stay escaped inside a JS `u`-mode class. */
const CLASS_SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/-'.split(''));

/** Extra case-fold partners Oniguruma's simple folding adds to ASCII letters. */
const EXTRA_FOLDS: Record<string, string> = { s: 'ſ', k: 'K' };

function caseVariants(ch: string): string[] {
  const variants = new Set([ch]);
  const lower = ch.toLowerCase();
  const upper = ch.toUpperCase();
  if ([...lower].length === 1) variants.add(lower);
  if ([...upper].length === 1) variants.add(upper);
  const extra = EXTRA_FOLDS[lower];
  if (extra) variants.add(extra);
  return [...variants];
}

function escapeLiteral(ch: string, inClass: boolean): string {
  const set = inClass ? CLASS_SYNTAX_CHARS : SYNTAX_CHARS;
  return set.has(ch) ? `\\${ch}` : ch;
}

/** Translates an Oniguruma pattern to the source of an equivalent JS `u`-mode RegExp. */
export function translateOnigurumaPattern(pattern: string, path = '$'): string {
  const fail = (what: string): never => {
    throw new TokenizerError('BAD_REGEX', `regex ${JSON.stringify(pattern)}: ${what}`, { path });
  };
  let out = '';
  let i = 0;
  // Case-insensitivity per open group; `(?i)` changes the innermost entry.
  const groupCase: boolean[] = [false];
  let inClass = false;
  const caseInsensitive = () => groupCase[groupCase.length - 1] === true;
  const chars = [...pattern];
  const n = chars.length;

  /** Reads an escape at chars[i] === '\\'; returns its translation (class body or atom). */
  const readEscape = (): string => {
    const c = chars[i + 1];
    if (c === undefined) fail('trailing backslash');
    i += 2;
    switch (c) {
      case 's':
        return inClass ? WHITESPACE_CLASS_BODY : `[${WHITESPACE_CLASS_BODY}]`;
      case 'S':
        if (inClass) fail('\\S inside a character class');
        return `[^${WHITESPACE_CLASS_BODY}]`;
      case 'd':
        return inClass ? DIGIT_CLASS_BODY : `[${DIGIT_CLASS_BODY}]`;
      case 'D':
        if (inClass) fail('\\D inside a character class');
        return `[^${DIGIT_CLASS_BODY}]`;
      case 'w':
        return inClass ? WORD_CLASS_BODY : `[${WORD_CLASS_BODY}]`;
      case 'W':
        if (inClass) fail('\\W inside a character class');
        return `[^${WORD_CLASS_BODY}]`;
      case 'h':
        return inClass ? HEX_CLASS_BODY : `[${HEX_CLASS_BODY}]`;
      case 'H':
        if (inClass) fail('\\H inside a character class');
        return `[^${HEX_CLASS_BODY}]`;
      case 'p':
      case 'P': {
        if (chars[i] !== '{') fail(`\\${c} without braces`);
        const close = chars.indexOf('}', i);
        if (close < 0) fail(`unterminated \\${c}{`);
        let name = chars.slice(i + 1, close).join('');
        i = close + 1;
        let negated = c === 'P';
        if (name.startsWith('^')) {
          negated = !negated;
          name = name.slice(1);
        }
        return `\\${negated ? 'P' : 'p'}{${name}}`;
      }
      case 'x': {
        if (chars[i] === '{') {
          const close = chars.indexOf('}', i);
          if (close < 0) fail('unterminated \\x{');
          const hex = chars.slice(i + 1, close).join('');
          i = close + 1;
          return `\\u{${hex}}`;
        }
        const hex = chars.slice(i, i + 2).join('');
        i += 2;
        return `\\x${hex}`;
      }
      case 'A':
        if (inClass) fail('\\A inside a character class');
        return '^';
      case 'z':
        if (inClass) fail('\\z inside a character class');
        return '$';
      case 'Z':
        if (inClass) fail('\\Z inside a character class');
        return '(?=\\n?$)';
      case 'G':
        return fail('\\G has no JavaScript equivalent');
      case 'n':
      case 'r':
      case 't':
      case 'f':
      case 'v':
      case 'b':
      case 'B':
        if (inClass && (c === 'b' || c === 'B')) fail(`\\${c} inside a character class`);
        return `\\${c}`;
      case 'u': {
        const hex = chars.slice(i, i + 4).join('');
        i += 4;
        return `\\u${hex}`;
      }
      default:
        if (c! >= '0' && c! <= '9') return `\\${c}`;
        // Identity escape: JS `u` mode only accepts escaped syntax characters.
        return escapeLiteral(c!, inClass);
    }
  };

  while (i < n) {
    const c = chars[i]!;
    if (inClass) {
      if (c === ']') {
        inClass = false;
        out += c;
        i++;
      } else if (c === '\\') {
        out += readEscape();
      } else if (c === '[') {
        if (chars[i + 1] === ':') fail('POSIX bracket expressions are not supported');
        fail('nested character classes are not supported');
      } else if (c === '&' && chars[i + 1] === '&') {
        fail('character class intersection (&&) is not supported');
      } else {
        out += caseInsensitive() && /\p{L}/u.test(c) ? caseVariants(c).join('') : escapeLiteral(c, true);
        i++;
      }
      continue;
    }
    switch (c) {
      case '\\':
        out += readEscape();
        break;
      case '[':
        inClass = true;
        out += '[';
        i++;
        if (chars[i] === '^') {
          out += '^';
          i++;
        }
        // A leading `]` is a literal in Oniguruma.
        if (chars[i] === ']') {
          out += '\\]';
          i++;
        }
        break;
      case '(': {
        if (chars[i + 1] !== '?') {
          groupCase.push(caseInsensitive());
          out += '(';
          i++;
          break;
        }
        const rest = chars.slice(i + 2, i + 12).join('');
        const flags = /^([imx]*)(?:-([imx]*))?([:)])/.exec(rest);
        if (flags) {
          const on = flags[1] ?? '';
          const off = flags[2] ?? '';
          if (/[mx]/.test(on + off)) fail(`inline flags (?${on}${off ? `-${off}` : ''}) other than i`);
          let ci = caseInsensitive();
          if (on.includes('i')) ci = true;
          if (off.includes('i')) ci = false;
          i += 2 + flags[0].length;
          if (flags[3] === ':') {
            groupCase.push(ci);
            out += '(?:';
          } else {
            groupCase[groupCase.length - 1] = ci;
          }
          break;
        }
        const kind = chars[i + 2];
        if (kind === ':' || kind === '=' || kind === '!') {
          groupCase.push(caseInsensitive());
          out += `(?${kind}`;
          i += 3;
        } else if (kind === '<' && (chars[i + 3] === '=' || chars[i + 3] === '!')) {
          groupCase.push(caseInsensitive());
          out += `(?<${chars[i + 3]}`;
          i += 4;
        } else if (kind === '<') {
          groupCase.push(caseInsensitive());
          out += '(?<';
          i += 3;
        } else if (kind === '>') {
          fail('atomic groups (?>...) are not supported');
        } else {
          fail(`group syntax (?${kind ?? ''}`);
        }
        break;
      }
      case ')':
        if (groupCase.length === 1) fail('unbalanced )');
        groupCase.pop();
        out += ')';
        i++;
        break;
      case '*':
      case '+':
      case '?': {
        // `X*+`, `X++`, `X?+` are possessive in Oniguruma (Ruby syntax); `X*?` etc. are lazy.
        const prev = chars[i - 1];
        const afterQuantifier = prev === '*' || prev === '+' || prev === '?' || prev === '}';
        if (!afterQuantifier && chars[i + 1] === '+') fail('possessive quantifiers are not supported');
        out += c;
        i++;
        break;
      }
      default:
        if (caseInsensitive() && /\p{L}/u.test(c)) {
          const variants = caseVariants(c);
          out += variants.length > 1 ? `[${variants.join('')}]` : c;
        } else {
          out += c === '/' ? '\\/' : c;
        }
        i++;
    }
  }
  if (inClass) fail('unterminated character class');
  if (groupCase.length !== 1) fail('unbalanced (');
  return out;
}

/** Compiles an Oniguruma pattern into a global JS RegExp (`gu` flags). */
export function compileOnigurumaRegex(pattern: string, path = '$'): RegExp {
  const source = translateOnigurumaPattern(pattern, path);
  try {
    return new RegExp(source, 'gu');
  } catch (cause) {
    throw new TokenizerError('BAD_REGEX', `regex ${JSON.stringify(pattern)} does not compile`, {
      path,
      cause,
    });
  }
}

/** Escapes a literal string for use inside a JS `u`-mode RegExp. */
export function escapeRegExp(text: string): string {
  // Outside a class, `-` is not syntax (and `\-` is an error in `u` mode).
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
