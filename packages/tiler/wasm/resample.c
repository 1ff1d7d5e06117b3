/*
 * WebAssembly SIMD kernels for the two passes of Pillow's BICUBIC resize of 8-bit RGB
 * (`ImagingResampleHorizontal_8bpc` / `ImagingResampleVertical_8bpc` in Pillow's
 * src/libImaging/Resample.c), giving exactly the bytes of src/passes.ts `runPass`.
 *
 * Pillow multiplies bytes by 22-bit fixed-point weights and sums in int32. A 22-bit weight does not
 * fit the 16-bit lanes of i32x4.dot_i16x8_s, so each weight w is split as w = hi * 2048 + lo with
 * lo = w & 2047 in [0, 2047] and hi = w >> 11 (|hi| < 2^12): two dot products per pair of taps,
 * and the result (sum_hi << 11) + sum_lo + (1 << 21) equals Pillow's accumulator exactly (int32
 * arithmetic wraps, and the true sum fits in int32, so the partial sums may wrap freely).
 * The saturating narrows i32 -> i16 -> u8 clip to [0, 255] as Pillow's clip8 does.
 *
 * No libc, no stack, no static data: every function is a leaf working on pointers into the
 * (possibly shared) linear memory that the caller manages, so one module instance per thread can
 * share a memory. Build: wasm/build.sh (clang --target=wasm32 -msimd128).
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define PRECISION_BITS 22
#define HALF (1 << (PRECISION_BITS - 1))
#define LO_BITS 11

static inline int32_t hi_of(int32_t w) { return w >> LO_BITS; }
static inline int32_t lo_of(int32_t w) { return w & ((1 << LO_BITS) - 1); }

/* Combines the hi and lo accumulators and shifts: Pillow's ss >> PRECISION_BITS. */
static inline v128_t finish(v128_t hi, v128_t lo) {
  v128_t sum = wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_shl(hi, LO_BITS), lo), wasm_i32x4_splat(HALF));
  return wasm_i32x4_shr(sum, PRECISION_BITS);
}

/* Pillow's clip8 of an int32 (after the shift). */
static inline uint8_t clip8(int32_t v) { return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v; }

/*
 * Builds the horizontal weight table: for output x and quad q (taps 4q .. 4q + 3), four i16x8
 * vectors: hi(4q, 4q+1), lo(4q, 4q+1), hi(4q+2, 4q+3), lo(4q+2, 4q+3), each as
 * [wa, wb, wa, wb, wa, wb, 0, 0] (lanes paired R, G, B, unused). Taps past count[x] get weight 0.
 * `table` holds out * quads * 64 bytes.
 */
void h_table(const int32_t *weights, const int32_t *count, int32_t ksize, int32_t out, int32_t quads,
             int16_t *table) {
  for (int32_t x = 0; x < out; x++) {
    const int32_t *w = weights + x * ksize;
    int32_t n = count[x];
    int16_t *t = table + x * quads * 32;
    for (int32_t q = 0; q < quads; q++) {
      for (int32_t half = 0; half < 2; half++) {
        int32_t k = q * 4 + half * 2;
        int32_t wa = k < n ? w[k] : 0;
        int32_t wb = k + 1 < n ? w[k + 1] : 0;
        int16_t *hi = t + q * 32 + half * 16;
        int16_t *lo = hi + 8;
        for (int32_t c = 0; c < 3; c++) {
          hi[2 * c] = (int16_t)hi_of(wa);
          hi[2 * c + 1] = (int16_t)hi_of(wb);
          lo[2 * c] = (int16_t)lo_of(wa);
          lo[2 * c + 1] = (int16_t)lo_of(wb);
        }
        hi[6] = hi[7] = lo[6] = lo[7] = 0;
      }
    }
  }
}

/* [R0,R1,G0,G1,B0,B1,0,0] and [R2,R3,G2,G3,B2,B3,0,0] as u16 from 12 bytes of 4 RGB pixels. */
#define Z 0x80
#define PAIR01(v) wasm_i8x16_swizzle(v, wasm_i8x16_const(0, Z, 3, Z, 1, Z, 4, Z, 2, Z, 5, Z, Z, Z, Z, Z))
#define PAIR23(v) wasm_i8x16_swizzle(v, wasm_i8x16_const(6, Z, 9, Z, 7, Z, 10, Z, 8, Z, 11, Z, Z, Z, Z, Z))

/* Stores the R, G, B lanes of `v` (already shifted) as three bytes; `wide` may write a 4th. */
static inline void store_rgb(uint8_t *dst, v128_t v, int wide) {
  v128_t b = wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(v, v), v);
  if (wide) {
    wasm_v128_store32_lane(dst, b, 0);
  } else {
    wasm_v128_store16_lane(dst, b, 0);
    wasm_v128_store8_lane(dst + 2, b, 2);
  }
}

/*
 * Horizontal pass over `rows` rows: output pixel x of row r is the table-weighted sum of source
 * pixels start[x] .. start[x] + count[x] - 1 of source row r. Reads up to 16 bytes past a row's
 * last tap (weights 0 there), so the source needs 16 readable bytes after its end.
 */
void h_pass(const uint8_t *src, int32_t src_stride, uint8_t *dst, int32_t dst_stride, int32_t rows,
            int32_t out, const int32_t *start, const int32_t *count, const v128_t *table,
            int32_t quads) {
  const v128_t zero = wasm_i32x4_splat(0);
  int32_t r = 0;
  for (; r + 3 < rows; r += 4) {
    const uint8_t *s0 = src + r * src_stride;
    uint8_t *d0 = dst + r * dst_stride;
    for (int32_t x = 0; x < out; x++) {
      const v128_t *t = table + x * quads * 4;
      int32_t nq = (count[x] + 3) >> 2;
      const uint8_t *p = s0 + start[x] * 3;
      v128_t hi0 = zero, lo0 = zero, hi1 = zero, lo1 = zero, hi2 = zero, lo2 = zero, hi3 = zero, lo3 = zero;
      for (int32_t q = 0; q < nq; q++, t += 4, p += 12) {
        v128_t h01 = t[0], l01 = t[1], h23 = t[2], l23 = t[3];
#define ROW(k)                                                                                          \
  {                                                                                                    \
    v128_t v = wasm_v128_load(p + k * src_stride);                                                      \
    v128_t a01 = PAIR01(v), a23 = PAIR23(v);                                                           \
    hi##k = wasm_i32x4_add(hi##k, wasm_i32x4_add(wasm_i32x4_dot_i16x8(a01, h01), wasm_i32x4_dot_i16x8(a23, h23))); \
    lo##k = wasm_i32x4_add(lo##k, wasm_i32x4_add(wasm_i32x4_dot_i16x8(a01, l01), wasm_i32x4_dot_i16x8(a23, l23))); \
  }
        ROW(0) ROW(1) ROW(2) ROW(3)
#undef ROW
      }
      int wide = x + 1 < out;
      store_rgb(d0 + x * 3, finish(hi0, lo0), wide);
      store_rgb(d0 + dst_stride + x * 3, finish(hi1, lo1), wide);
      store_rgb(d0 + 2 * dst_stride + x * 3, finish(hi2, lo2), wide);
      store_rgb(d0 + 3 * dst_stride + x * 3, finish(hi3, lo3), wide);
    }
  }
  for (; r < rows; r++) {
    const uint8_t *sa = src + r * src_stride;
    uint8_t *da = dst + r * dst_stride;
    for (int32_t x = 0; x < out; x++) {
      const v128_t *t = table + x * quads * 4;
      int32_t nq = (count[x] + 3) >> 2;
      const uint8_t *pa = sa + start[x] * 3;
      v128_t ahi = zero, alo = zero;
      for (int32_t q = 0; q < nq; q++, t += 4, pa += 12) {
        v128_t va = wasm_v128_load(pa);
        v128_t a01 = PAIR01(va), a23 = PAIR23(va);
        ahi = wasm_i32x4_add(ahi, wasm_i32x4_add(wasm_i32x4_dot_i16x8(a01, t[0]), wasm_i32x4_dot_i16x8(a23, t[2])));
        alo = wasm_i32x4_add(alo, wasm_i32x4_add(wasm_i32x4_dot_i16x8(a01, t[1]), wasm_i32x4_dot_i16x8(a23, t[3])));
      }
      store_rgb(da + x * 3, finish(ahi, alo), x + 1 < out);
    }
  }
}

/*
 * Vertical pass for output rows row_start .. row_end - 1: byte i of output row y is the weighted sum
 * of byte i of source rows start[y] .. start[y] + count[y] - 1, where `src` holds source row
 * `row_offset` first. `stride` bytes per row in both images.
 */
void v_pass(const uint8_t *src, uint8_t *dst, int32_t stride, int32_t row_offset, int32_t row_start,
            int32_t row_end, const int32_t *start, const int32_t *count, const int32_t *weights,
            int32_t ksize) {
  const v128_t zero = wasm_i32x4_splat(0);
  int32_t wide = stride & ~15;
  for (int32_t y = row_start; y < row_end; y++) {
    const int32_t *w = weights + y * ksize;
    int32_t n = count[y];
    const uint8_t *base = src + (start[y] - row_offset) * stride;
    uint8_t *o = dst + y * stride;
    int32_t i = 0;
    for (; i < wide; i += 16) {
      v128_t h0 = zero, h1 = zero, h2 = zero, h3 = zero;
      v128_t l0 = zero, l1 = zero, l2 = zero, l3 = zero;
      const uint8_t *p = base + i;
      int32_t t = 0;
      for (; t + 1 < n; t += 2, p += 2 * stride) {
        int32_t wa = w[t], wb = w[t + 1];
        v128_t wh = wasm_i32x4_splat((int32_t)((uint32_t)hi_of(wb) << 16 | ((uint32_t)hi_of(wa) & 0xffff)));
        v128_t wl = wasm_i32x4_splat((int32_t)((uint32_t)lo_of(wb) << 16 | (uint32_t)lo_of(wa)));
        v128_t ra = wasm_v128_load(p);
        v128_t rb = wasm_v128_load(p + stride);
        v128_t lo8 = wasm_i8x16_shuffle(ra, rb, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        v128_t hi8 = wasm_i8x16_shuffle(ra, rb, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        v128_t x0 = wasm_u16x8_extend_low_u8x16(lo8), x1 = wasm_u16x8_extend_high_u8x16(lo8);
        v128_t x2 = wasm_u16x8_extend_low_u8x16(hi8), x3 = wasm_u16x8_extend_high_u8x16(hi8);
        h0 = wasm_i32x4_add(h0, wasm_i32x4_dot_i16x8(x0, wh));
        h1 = wasm_i32x4_add(h1, wasm_i32x4_dot_i16x8(x1, wh));
        h2 = wasm_i32x4_add(h2, wasm_i32x4_dot_i16x8(x2, wh));
        h3 = wasm_i32x4_add(h3, wasm_i32x4_dot_i16x8(x3, wh));
        l0 = wasm_i32x4_add(l0, wasm_i32x4_dot_i16x8(x0, wl));
        l1 = wasm_i32x4_add(l1, wasm_i32x4_dot_i16x8(x1, wl));
        l2 = wasm_i32x4_add(l2, wasm_i32x4_dot_i16x8(x2, wl));
        l3 = wasm_i32x4_add(l3, wasm_i32x4_dot_i16x8(x3, wl));
      }
      if (t < n) {
        v128_t wh = wasm_i32x4_splat(hi_of(w[t]) & 0xffff);
        v128_t wl = wasm_i32x4_splat(lo_of(w[t]));
        v128_t ra = wasm_v128_load(p);
        v128_t x01 = wasm_i8x16_shuffle(ra, zero, 0, 16, 1, 16, 2, 16, 3, 16, 4, 16, 5, 16, 6, 16, 7, 16);
        v128_t x23 = wasm_i8x16_shuffle(ra, zero, 8, 16, 9, 16, 10, 16, 11, 16, 12, 16, 13, 16, 14, 16, 15, 16);
        v128_t x0 = wasm_u16x8_extend_low_u8x16(x01), x1 = wasm_u16x8_extend_high_u8x16(x01);
        v128_t x2 = wasm_u16x8_extend_low_u8x16(x23), x3 = wasm_u16x8_extend_high_u8x16(x23);
        h0 = wasm_i32x4_add(h0, wasm_i32x4_dot_i16x8(x0, wh));
        h1 = wasm_i32x4_add(h1, wasm_i32x4_dot_i16x8(x1, wh));
        h2 = wasm_i32x4_add(h2, wasm_i32x4_dot_i16x8(x2, wh));
        h3 = wasm_i32x4_add(h3, wasm_i32x4_dot_i16x8(x3, wh));
        l0 = wasm_i32x4_add(l0, wasm_i32x4_dot_i16x8(x0, wl));
        l1 = wasm_i32x4_add(l1, wasm_i32x4_dot_i16x8(x1, wl));
        l2 = wasm_i32x4_add(l2, wasm_i32x4_dot_i16x8(x2, wl));
        l3 = wasm_i32x4_add(l3, wasm_i32x4_dot_i16x8(x3, wl));
      }
      v128_t r0 = finish(h0, l0), r1 = finish(h1, l1), r2 = finish(h2, l2), r3 = finish(h3, l3);
      wasm_v128_store(o + i, wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(r0, r1),
                                                     wasm_i16x8_narrow_i32x4(r2, r3)));
    }
    for (; i < stride; i++) {
      int32_t ss = HALF;
      const uint8_t *p = base + i;
      for (int32_t t = 0; t < n; t++, p += stride) ss += (int32_t)p[0] * w[t];
      o[i] = clip8(ss >> PRECISION_BITS);
    }
  }
}

/*
 * torchvision's to_tensor + normalize of `rows` rows of `width` RGB pixels (`stride` bytes apart):
 * plane c of `out` (planes `plane` floats apart, rows `width` floats apart) gets
 * ((float)v / 255 - mean[c]) / std[c], every step rounded to float32 as torch does;
 * params = { mean[0..2], std[0..2] }.
 */
void normalize(const uint8_t *src, int32_t stride, int32_t width, int32_t rows, const float *params,
               float *out, int32_t plane) {
  const v128_t k255 = wasm_f32x4_splat(255.0f);
  const v128_t m0 = wasm_f32x4_splat(params[0]), m1 = wasm_f32x4_splat(params[1]),
               m2 = wasm_f32x4_splat(params[2]);
  const v128_t s0 = wasm_f32x4_splat(params[3]), s1 = wasm_f32x4_splat(params[4]),
               s2 = wasm_f32x4_splat(params[5]);
  int32_t wide = width & ~15;
  for (int32_t y = 0; y < rows; y++) {
    const uint8_t *p = src + y * stride;
    float *o = out + y * width;
    int32_t x = 0;
    for (; x < wide; x += 16, p += 48) {
      v128_t a = wasm_v128_load(p), b = wasm_v128_load(p + 16), c = wasm_v128_load(p + 32);
      v128_t r = wasm_v128_or(
          wasm_v128_or(wasm_i8x16_swizzle(a, wasm_i8x16_const(0, 3, 6, 9, 12, 15, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z)),
                       wasm_i8x16_swizzle(b, wasm_i8x16_const(Z, Z, Z, Z, Z, Z, 2, 5, 8, 11, 14, Z, Z, Z, Z, Z))),
          wasm_i8x16_swizzle(c, wasm_i8x16_const(Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 1, 4, 7, 10, 13)));
      v128_t g = wasm_v128_or(
          wasm_v128_or(wasm_i8x16_swizzle(a, wasm_i8x16_const(1, 4, 7, 10, 13, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z)),
                       wasm_i8x16_swizzle(b, wasm_i8x16_const(Z, Z, Z, Z, Z, 0, 3, 6, 9, 12, 15, Z, Z, Z, Z, Z))),
          wasm_i8x16_swizzle(c, wasm_i8x16_const(Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 2, 5, 8, 11, 14)));
      v128_t bl = wasm_v128_or(
          wasm_v128_or(wasm_i8x16_swizzle(a, wasm_i8x16_const(2, 5, 8, 11, 14, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z)),
                       wasm_i8x16_swizzle(b, wasm_i8x16_const(Z, Z, Z, Z, Z, 1, 4, 7, 10, 13, Z, Z, Z, Z, Z, Z))),
          wasm_i8x16_swizzle(c, wasm_i8x16_const(Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 0, 3, 6, 9, 12, 15)));
#define PLANE(v, m, s, dst)                                                                        \
  {                                                                                              \
    v128_t lo = wasm_u16x8_extend_low_u8x16(v), hi = wasm_u16x8_extend_high_u8x16(v);            \
    v128_t q0 = wasm_u32x4_extend_low_u16x8(lo), q1 = wasm_u32x4_extend_high_u16x8(lo);          \
    v128_t q2 = wasm_u32x4_extend_low_u16x8(hi), q3 = wasm_u32x4_extend_high_u16x8(hi);          \
    wasm_v128_store(dst, wasm_f32x4_div(wasm_f32x4_sub(wasm_f32x4_div(wasm_f32x4_convert_i32x4(q0), k255), m), s)); \
    wasm_v128_store(dst + 4, wasm_f32x4_div(wasm_f32x4_sub(wasm_f32x4_div(wasm_f32x4_convert_i32x4(q1), k255), m), s)); \
    wasm_v128_store(dst + 8, wasm_f32x4_div(wasm_f32x4_sub(wasm_f32x4_div(wasm_f32x4_convert_i32x4(q2), k255), m), s)); \
    wasm_v128_store(dst + 12, wasm_f32x4_div(wasm_f32x4_sub(wasm_f32x4_div(wasm_f32x4_convert_i32x4(q3), k255), m), s)); \
  }
      PLANE(r, m0, s0, o + x)
      PLANE(g, m1, s1, o + plane + x)
      PLANE(bl, m2, s2, o + 2 * plane + x)
#undef PLANE
    }
    for (; x < width; x++, p += 3) {
      o[x] = ((float)p[0] / 255.0f - params[0]) / params[3];
      o[plane + x] = ((float)p[1] / 255.0f - params[1]) / params[4];
      o[2 * plane + x] = ((float)p[2] / 255.0f - params[2]) / params[5];
    }
  }
}
