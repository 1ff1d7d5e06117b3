/**
 * Python 3 number parsing and formatting that the official scorers depend on: `float(str)`,
 * `int(str)`, `int(float)`, `round(float, n)` and `str(float)`. Follows EVAL.md §0.3 items 5, 6 and 8
 * and CPython (`Objects/floatobject.c` `float_from_string`/`double_round`, `Python/pystrtod.c`
 * `format_float_short`, `_Py_string_to_number_with_underscores`).
 */
import { asciiDigits, isPySpace, pyStrip } from './strings.js';

const FLOAT_BODY = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf|infinity|nan)$/i;
const INT_BODY = /^[+-]?\d+$/;

/**
 * Removes the underscores Python allows between digits (`1_000`, `1e1_0`); returns null where an
 * underscore is not between two digits (`_1`, `1_`, `1__0`, `1_.5`), which Python rejects.
 */
function removeUnderscores(s: string): string | null {
  if (!s.includes('_')) return s;
  let out = '';
  let prev = '';
  for (const c of s) {
    const isDigit = c >= '0' && c <= '9';
    if (c === '_') {
      if (!(prev >= '0' && prev <= '9' && prev !== '')) return null;
    } else {
      if (prev === '_' && !isDigit) return null;
      out += c;
    }
    prev = c;
  }
  return prev === '_' ? null : out;
}

/** C `isspace` in the C locale (CPython `Py_ISSPACE`): the only characters `float()`/`int()` strip. */
const ASCII_SPACE = ' \t\n\v\f\r';

/**
 * CPython `_PyUnicode_TransformDecimalAndSpaceToASCII` then the `Py_ISSPACE` strip of
 * `float()`/`int()`: non-ASCII Python whitespace becomes a space and Unicode digits become ASCII
 * digits, ASCII is kept as is, and only ` \t\n\v\f\r` are stripped. So `float('5\x85') == 5.0` but
 * `float('5\x1c')` raises: `\x1c-\x1f` are `str.isspace()` yet ASCII, hence not stripped.
 */
function toAsciiNumber(s: string): string {
  let out = '';
  for (const c of s) {
    const cp = c.codePointAt(0) as number;
    out += cp > 0x7f && isPySpace(cp) ? ' ' : c;
  }
  return pyStrip(asciiDigits(out), ASCII_SPACE);
}

/**
 * Python `float(s)` for a `str`, or `null` where Python raises `ValueError`. Accepts surrounding
 * whitespace (Python's, less the ASCII separators `\x1c-\x1f`), a sign, `1_000`, `1e3`, `.5`, `5.`,
 * `inf`/`infinity`/`nan` in any case and Unicode decimal digits (`'١٢'` → 12); rejects `''`,
 * `'1,000'`, `'$5'`, `'0x10'`, `'12abc'`, `'5\x1c'`.
 */
export function pyFloat(s: string): number | null {
  const ascii = toAsciiNumber(s);
  if (!/^[\x21-\x7e]*$/.test(ascii)) return null;
  const body = removeUnderscores(ascii);
  if (body === null || !FLOAT_BODY.test(body)) return null;
  const lower = body.toLowerCase();
  const negative = lower.startsWith('-');
  const unsigned = lower.replace(/^[+-]/, '');
  if (unsigned === 'nan') return Number.NaN;
  if (unsigned === 'inf' || unsigned === 'infinity') return negative ? -Infinity : Infinity;
  return Number(body);
}

/**
 * Python `int(s)` for a `str` in base 10, or `null` where Python raises `ValueError`:
 * `int(' 12 ') == 12`, `int('1_0') == 10`, `int('012') == 12`, `int('12.0')` raises.
 */
export function pyInt(s: string): bigint | null {
  const ascii = toAsciiNumber(s);
  if (!/^[\x21-\x7e]*$/.test(ascii)) return null;
  const body = removeUnderscores(ascii);
  if (body === null || !INT_BODY.test(body)) return null;
  return BigInt(body);
}

/**
 * Python `int(x)` for a float (truncation toward zero), or `null` where Python raises
 * (`OverflowError` for ±inf, `ValueError` for NaN). `int(float('-3.7')) == -3`.
 */
export function pyIntOfFloat(x: number): bigint | null {
  if (!Number.isFinite(x)) return null;
  return BigInt(Math.trunc(x));
}

/** Exact `m * 2**e` decomposition of a finite, non-zero double (m a non-negative integer). */
function decompose(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { m: fraction, e: -1074 };
  return { m: fraction | (1n << 52n), e: biased - 1075 };
}

/** Round `num / den` (positive bigints) to an integer, ties to even. */
function divRoundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) return q + 1n;
  return q;
}

/** CPython's `NDIGITS_MAX`/`NDIGITS_MIN` for doubles (floatobject.c). */
const NDIGITS_MAX = 323;
const NDIGITS_MIN = -308;

/**
 * Python `round(x, ndigits)` for a float: rounds the exact binary value of `x` half-to-even and
 * returns the double nearest the decimal result. `round(0.125, 2) == 0.12`,
 * `round(2.675, 2) == 2.67` (2.675 is below the tie in binary), `round(0.5, 0) == 0.0`.
 * Unlike `toFixed` and `Math.round(x * 100) / 100`, which differ from Python on these.
 * @throws {RangeError} `ndigits` not an integer, or the result overflows (Python `OverflowError`).
 */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isInteger(ndigits)) throw new RangeError(`'ndigits' must be an integer, got ${ndigits}`);
  if (!Number.isFinite(x) || x === 0) return x;
  if (ndigits > NDIGITS_MAX) return x;
  if (ndigits < NDIGITS_MIN) return 0 * x;
  const { m, e } = decompose(x);
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (ndigits >= 0) num *= 10n ** BigInt(ndigits);
  else den *= 10n ** BigInt(-ndigits);
  const q = divRoundHalfEven(num, den);
  const sign = x < 0 ? '-' : '';
  const result = Number(`${sign}${q}e${-ndigits}`);
  if (!Number.isFinite(result)) throw new RangeError(`round(${x}, ${ndigits}) overflows a double`);
  return result;
}

/** Bit length of a positive bigint. */
function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/**
 * The double nearest `num / den * 2**exp2` (num a signed bigint, den a positive bigint), ties to
 * even, like CPython's correctly rounded `int / int` true division. Results in the subnormal range
 * may be rounded twice (not reachable from the scorers, whose means lie in [0, 1]).
 */
function ratioToDouble(num: bigint, den: bigint, exp2: number): number {
  if (num === 0n) return 0;
  const negative = num < 0n;
  let n = negative ? -num : num;
  let d = den;
  // Scale so the integer quotient holds at least 55 bits (53 kept + a round bit + room).
  const shift = 55 + bitLength(d) - bitLength(n);
  if (shift > 0) n <<= BigInt(shift);
  else d <<= BigInt(-shift);
  let q = n / d;
  const sticky = n % d !== 0n;
  const drop = bitLength(q) - 53;
  const half = 1n << BigInt(drop - 1);
  const rest = q & ((1n << BigInt(drop)) - 1n);
  q >>= BigInt(drop);
  if (rest > half || (rest === half && (sticky || (q & 1n) === 1n))) q += 1n;
  // Scale in two steps so 2**e itself never underflows or overflows (|e| may exceed 1074).
  const e = exp2 - shift + drop;
  const half1 = Math.trunc(e / 2);
  const value = Number(q) * 2 ** half1 * 2 ** (e - half1);
  return negative ? -value : value;
}

/**
 * Python `statistics.mean(values)` for floats: the exact (rational) mean of the doubles, rounded
 * once to the nearest double. lmms-eval's VQA scorers average with it, so a plain
 * `sum / n` can differ in the last bit: three `1/3` among ten values average to
 * `0.09999999999999999`, where the summed loop gives `0.1`.
 * Non-finite values give the IEEE sum divided by `n`, as Python does.
 * @throws {RangeError} `values` is empty (Python `StatisticsError`).
 */
export function pyMean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("'values' must hold at least one number, got []");
  if (!values.every(Number.isFinite)) return values.reduce((a, b) => a + b, 0) / values.length;
  const parts = values.filter((v) => v !== 0).map((v) => ({ ...decompose(v), negative: v < 0 }));
  if (parts.length === 0) return 0;
  const minE = Math.min(...parts.map((p) => p.e));
  let total = 0n;
  for (const p of parts) total += (p.negative ? -p.m : p.m) << BigInt(p.e - minE);
  return ratioToDouble(total, BigInt(values.length), minE);
}

/** Shortest round-trip digits of a positive finite double and the decimal point position. */
function shortestDigits(x: number): { digits: string; decpt: number } {
  const s = String(x);
  let digits: string;
  let decpt: number;
  const expAt = s.indexOf('e');
  if (expAt >= 0) {
    const mantissa = s.slice(0, expAt);
    digits = mantissa.replace('.', '');
    decpt = Number(s.slice(expAt + 1)) + 1;
  } else {
    const [intPart = '', frac = ''] = s.split('.');
    if (intPart === '0') {
      const stripped = frac.replace(/^0+/, '');
      decpt = -(frac.length - stripped.length);
      digits = stripped;
    } else {
      digits = intPart + frac;
      decpt = intPart.length;
    }
  }
  return { digits: digits.replace(/0+$/, '') || '0', decpt };
}

/**
 * Python `str(x)` / `repr(x)` for a float: shortest round-trip digits, fixed notation with a
 * mandatory `.0` when the decimal exponent is in [-4, 16), else `d.ddde±XX`.
 * `'3.0'`, `'100.0'`, `'1e+16'`, `'1e-05'`, `'0.0001'`, `'inf'`, `'nan'`, `'-0.0'`.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, decpt } = shortestDigits(Math.abs(x));
  if (decpt <= -4 || decpt > 16) {
    const exp = decpt - 1;
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expDigits = String(Math.abs(exp)).padStart(2, '0');
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${expDigits}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}
