import { describe, expect, it } from 'vitest';
import {
  bf16ToF32,
  bf16ToNumber,
  f16ToF32,
  f16ToNumber,
  f32BitsToBf16,
  f32BitsToF16,
  f32ToBf16,
  f32ToF16,
  numberToF16,
} from './float-convert.js';

describe('bfloat16 narrowing (hand-computed bit patterns)', () => {
  const cases: [number, number, string][] = [
    [0x3f800000, 0x3f80, '1.0'],
    [0x3f808000, 0x3f80, 'tie 1 + 2^-8 rounds down to even'],
    [0x3f818000, 0x3f82, 'tie 1 + 3*2^-8 rounds up to even'],
    [0x3f808001, 0x3f81, 'just above the tie rounds up'],
    [0x3f807fff, 0x3f80, 'just below the tie rounds down'],
    [0x80000000, 0x8000, '-0 keeps its sign'],
    [0x7f800000, 0x7f80, '+Inf'],
    [0xff800000, 0xff80, '-Inf'],
    [0x7f7fffff, 0x7f80, 'max float32 rounds to +Inf'],
    [0x7fc00000, 0x7fc0, 'quiet NaN'],
    [0x7f800001, 0x7fc0, 'signalling NaN with payload only in low bits stays NaN'],
    [0xffa00000, 0xffe0, 'negative NaN keeps sign and payload, gains the quiet bit'],
    [0x00000001, 0x0000, 'smallest subnormal rounds to 0'],
    [0x00018000, 0x0002, 'subnormal tie rounds to even'],
    [0x40490fdb, 0x4049, 'pi'],
  ];
  it.each(cases)('0x%s -> 0x%s (%s)', (bits, want) => {
    expect(f32BitsToBf16(bits)).toBe(want);
  });
});

describe('float16 narrowing (hand-computed bit patterns)', () => {
  const cases: [number, number, string][] = [
    [1, 0x3c00, '1.0'],
    [-2, 0xc000, '-2'],
    [65504, 0x7bff, 'max half'],
    [65519, 0x7bff, 'below the overflow midpoint'],
    [65520, 0x7c00, 'overflow midpoint ties to even = Inf'],
    [1e9, 0x7c00, 'overflow'],
    [2 ** -14, 0x0400, 'smallest normal'],
    [2 ** -24, 0x0001, 'smallest subnormal'],
    [2 ** -25, 0x0000, 'half the smallest subnormal ties to even 0'],
    [1.5 * 2 ** -25, 0x0001, 'above the tie rounds up'],
    [3 * 2 ** -25, 0x0002, '1.5 subnormal units ties to even 2'],
    [1023 * 2 ** -24, 0x03ff, 'largest subnormal'],
    [
      2 ** -14 - 2 ** -25,
      0x0400,
      'largest-subnormal + half unit ties to even, carries to the smallest normal',
    ],
    [0.1, 0x2e66, '0.1'],
    [1 / 3, 0x3555, '1/3'],
    [1 + 2 ** -11, 0x3c00, 'tie at 1 + half ulp rounds to even'],
    [1 + 3 * 2 ** -11, 0x3c02, 'tie at 1 + 1.5 ulp rounds to even (up)'],
    [-0, 0x8000, '-0'],
    [Number.POSITIVE_INFINITY, 0x7c00, '+Inf'],
    [Number.NEGATIVE_INFINITY, 0xfc00, '-Inf'],
  ];
  it.each(cases)('%s -> 0x%s (%s)', (value, want) => {
    expect(numberToF16(value)).toBe(want);
  });
  it('keeps NaN a quiet NaN', () => {
    expect(numberToF16(Number.NaN) & 0x7e00).toBe(0x7e00);
    expect(f32BitsToF16(0x7f800001) & 0x7e00).toBe(0x7e00); // signalling NaN with low payload
  });
});

describe('widening', () => {
  it('decodes half bit patterns by hand', () => {
    expect(f16ToNumber(0x0001)).toBe(2 ** -24);
    expect(f16ToNumber(0x03ff)).toBe(1023 * 2 ** -24);
    expect(f16ToNumber(0x0400)).toBe(2 ** -14);
    expect(f16ToNumber(0x3c00)).toBe(1);
    expect(f16ToNumber(0x7bff)).toBe(65504);
    expect(f16ToNumber(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(f16ToNumber(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(f16ToNumber(0x8000), -0)).toBe(true);
    expect(f16ToNumber(0x7e00)).toBeNaN();
  });
  it('decodes bfloat16 bit patterns by hand', () => {
    expect(bf16ToNumber(0x3f80)).toBe(1);
    expect(bf16ToNumber(0xc040)).toBe(-3);
    expect(bf16ToNumber(0x0001)).toBe(2 ** -133);
    expect(bf16ToNumber(0x7f80)).toBe(Number.POSITIVE_INFINITY);
    expect(bf16ToNumber(0x7fc0)).toBeNaN();
  });
  it('round-trips every half and bfloat16 pattern through float32 exactly', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back16 = f32ToF16(f16ToF32(all));
    const backBf = f32ToBf16(bf16ToF32(all));
    for (let i = 0; i < 65536; i++) {
      const nan16 = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      const nanBf = (i & 0x7f80) === 0x7f80 && (i & 0x7f) !== 0;
      if (nan16) expect(back16[i]! & 0x7c00).toBe(0x7c00);
      else if (back16[i] !== i) expect.fail(`half 0x${i.toString(16)} -> 0x${back16[i]!.toString(16)}`);
      if (nanBf) expect(backBf[i]! & 0x7f80).toBe(0x7f80);
      else if (backBf[i] !== i) expect.fail(`bf16 0x${i.toString(16)} -> 0x${backBf[i]!.toString(16)}`);
    }
  });
  it('rejects an out array of the wrong length', () => {
    expect(() => f16ToF32(new Uint16Array(3), new Float32Array(2))).toThrow(RangeError);
  });
});

/**
 * Independent reference: decode every non-negative finite pattern with plain arithmetic (half) or a
 * big-endian DataView (bfloat16), then pick the nearest by binary search, ties to the even pattern.
 */
function referenceNarrow(
  decode: (bits: number) => number,
  maxFinite: number,
  infBits: number,
  overflowValue: number,
) {
  const values = new Float64Array(infBits + 1);
  for (let b = 0; b < infBits; b++) values[b] = decode(b);
  values[infBits] = overflowValue; // the value "Inf" stands in for when rounding just past max
  return (x: number): number => {
    const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
    const a = Math.abs(x);
    if (a >= overflowValue) return sign | infBits;
    let lo = 0;
    let hi = maxFinite;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (values[mid]! <= a) lo = mid;
      else hi = mid - 1;
    }
    if (values[lo] === a) return sign | lo;
    const dLo = a - values[lo]!;
    const dHi = values[lo + 1]! - a;
    const pick = dLo < dHi ? lo : dHi < dLo ? lo + 1 : lo % 2 === 0 ? lo : lo + 1;
    return sign | pick;
  };
}

describe('property: narrowing equals an independent nearest-even reference', () => {
  const halfDecode = (b: number) => {
    const e = b >> 10;
    const m = b & 0x3ff;
    return e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
  };
  const dv = new DataView(new ArrayBuffer(4));
  const bfDecode = (b: number) => {
    dv.setUint16(0, b); // big-endian: high half of the float32
    dv.setUint16(2, 0);
    return dv.getFloat32(0);
  };
  const refHalf = referenceNarrow(halfDecode, 0x7bff, 0x7c00, 65536);
  const refBf = referenceNarrow(bfDecode, 0x7f7f, 0x7f80, 2 ** 128);

  // Deterministic xorshift, so a failure reproduces.
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const samples = new Uint32Array(200_000);
  for (let i = 0; i < samples.length; i++) {
    const r = next();
    // Half the samples near the half range (exponent 100..150) where the interesting cases live.
    samples[i] = i % 2 === 0 ? r : (r & 0x807fffff) | ((100 + (next() % 51)) << 23);
  }
  const f32 = new Float32Array(samples.buffer);

  it('float32 -> float16', () => {
    const got = f32ToF16(f32);
    for (let i = 0; i < f32.length; i++) {
      const x = f32[i]!;
      if (Number.isNaN(x)) {
        expect(Number.isNaN(f16ToNumber(got[i]!))).toBe(true);
        continue;
      }
      const want = refHalf(x);
      if (got[i] !== want)
        expect.fail(
          `${x} (0x${samples[i]!.toString(16)}): got 0x${got[i]!.toString(16)}, want 0x${want.toString(16)}`,
        );
    }
  });

  it('float32 -> bfloat16', () => {
    const got = f32ToBf16(f32);
    for (let i = 0; i < f32.length; i++) {
      const x = f32[i]!;
      if (Number.isNaN(x)) {
        expect(Number.isNaN(bf16ToNumber(got[i]!))).toBe(true);
        continue;
      }
      const want = refBf(x);
      if (got[i] !== want)
        expect.fail(
          `${x} (0x${samples[i]!.toString(16)}): got 0x${got[i]!.toString(16)}, want 0x${want.toString(16)}`,
        );
    }
  });
});
