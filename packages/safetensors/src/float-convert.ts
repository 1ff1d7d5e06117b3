/**
 * bfloat16 / IEEE half (float16) <-> float32 conversion on raw bit patterns.
 *
 * Widening is exact. Narrowing rounds to nearest, ties to even (IEEE 754 default), keeps the sign of
 * zero, turns overflow into ±Infinity, produces half subnormals for tiny values, and keeps NaN a NaN
 * (quiet, sign and top payload bits kept). The bf16 rule is PyTorch's `round_to_nearest_even` in
 * `c10/util/BFloat16.h`; the half rule is the classic bit-exact one of `c10/util/Half.h`.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 bits of `value` (rounded to float32 first). */
function bitsOf(value: number): number {
  f32[0] = value;
  return u32[0]!;
}

/** The float32 value of raw bits. */
function fromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0]!;
}

/** Rounds one float32 bit pattern to bfloat16 bits (round to nearest even; NaN stays a quiet NaN). */
export function f32BitsToBf16(bits: number): number {
  bits >>>= 0;
  if ((bits & 0x7fffffff) > 0x7f800000) return ((bits >>> 16) | 0x0040) & 0xffff; // NaN: force quiet bit
  const lsb = (bits >>> 16) & 1;
  return ((bits + 0x7fff + lsb) >>> 16) & 0xffff;
}

/** Rounds one float32 bit pattern to IEEE half bits (round to nearest even, subnormals, ±Inf, NaN). */
export function f32BitsToF16(bits: number): number {
  bits >>>= 0;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant === 0 ? 0 : 0x200 | (mant >>> 13)); // Inf / quiet NaN
  const e = exp - 127 + 15; // rebased exponent
  if (e >= 31) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    // Result is a half subnormal (or zero): value = m * 2^(e - 25) with m the 24-bit significand.
    if (e < -10) return sign; // below half the smallest subnormal: rounds to (signed) zero
    const m = mant | 0x800000;
    const shift = 14 - e; // 14..24
    let half = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (half & 1) === 1)) half += 1; // may carry into the exponent
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half += 1; // may carry up to Inf
  return sign | half;
}

/** Widens IEEE half bits to float32 bits (exact). */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal: normalise the mantissa.
  let e = 113;
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e -= 1;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

/** One bfloat16 bit pattern as a number. */
export function bf16ToNumber(bits: number): number {
  return fromBits((bits & 0xffff) << 16);
}

/** One IEEE half bit pattern as a number. */
export function f16ToNumber(bits: number): number {
  return fromBits(f16BitsToF32Bits(bits & 0xffff));
}

/** A number rounded to float32, then to bfloat16 bits. */
export function numberToBf16(value: number): number {
  return f32BitsToBf16(bitsOf(value));
}

/** A number rounded to float32, then to IEEE half bits. */
export function numberToF16(value: number): number {
  return f32BitsToF16(bitsOf(value));
}

/** Widens bfloat16 bit patterns to float32 (exact). */
export function bf16ToF32(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  checkOut(src.length, out);
  const o = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) o[i] = src[i]! << 16;
  return out;
}

/** Narrows float32 values to bfloat16 bit patterns (round to nearest even). */
export function f32ToBf16(src: Float32Array, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  checkOut(src.length, out);
  const s = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) {
    const b = s[i]!; // inlined f32BitsToBf16: this loop converts whole checkpoints
    out[i] = (b & 0x7fffffff) > 0x7f800000 ? (b >>> 16) | 0x0040 : (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
  return out;
}

/** Widens IEEE half bit patterns to float32 (exact). */
export function f16ToF32(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  checkOut(src.length, out);
  const o = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) o[i] = f16BitsToF32Bits(src[i]!);
  return out;
}

/** Narrows float32 values to IEEE half bit patterns (round to nearest even). */
export function f32ToF16(src: Float32Array, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  checkOut(src.length, out);
  const s = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32BitsToF16(s[i]!);
  return out;
}

function checkOut(length: number, out: ArrayLike<number>): void {
  if (out.length !== length) {
    throw new RangeError(`'out' must have the source length ${length}, got ${out.length}`);
  }
}
