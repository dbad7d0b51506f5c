// releq's own wasm SIMD kernels, run on the tfjs wasm backend's heap (the module imports its
// memory). Built by build.mjs with clang --target=wasm32; the binary is committed as base64 in
// src/backend/wasm/releq-kernels-binary.ts, so installs need no compiler.
//
// Rules that keep the shared heap safe: no static data, no libc, and no address-taken locals
// (so the shadow stack, which would sit in tfjs's memory, is never touched). build.mjs checks
// that the binary defines no data segments and never writes the stack pointer.
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef float f32;

// Geometry of one filter-gradient call, recomputed per tap from scalar arguments.
// dW[ky,kx,ci,co] = sum over (n,oy,ox) of x[n, oy*sh + ky*dh - pt, ox*sw + kx*dw - pl, ci] * dy[n,oy,ox,co]

// Accumulates a CI x (4*NV) block of dW over the output rows [r0, r1) of one tap.
// x0 points at x[.., ci0], y0 at dy[.., co0], d at dW[ky,kx,ci0,co0]; segments are per row.
#define TILE_BODY(CI, NV)                                                                          \
  ROWS_BEGIN                                                                                       \
    for (int t = count; t > 0; t--) {                                                              \
      LOAD_Y_##NV                                                                                  \
      MAC_##CI##_##NV                                                                              \
      xp += xstep;                                                                                 \
      yp += cout;                                                                                  \
    }                                                                                              \
  ROWS_END

// Walks the output rows [r0, r1) (row r = image b, output row oy) whose input row for tap row ky
// lies inside the image, with xp/yp at the row's first valid column. No division per row.
#define ROWS_BEGIN                                                                                 \
  int b = r0 / oh, oy = r0 - b * oh;                                                               \
  for (int r = r0; r < r1; r++) {                                                                  \
    const int ih = oy * sh + ky * dh - pt;                                                         \
    if (ih >= 0 && ih < h) {                                                                       \
      const f32* xp = x0 + ((b * h + ih) * w + iw0) * cin;                                          \
      const f32* yp = y0 + (r * ow + ox0) * cout;
#define ROWS_END                                                                                   \
    }                                                                                              \
    if (++oy == oh) { oy = 0; b++; }                                                               \
  }

#define LOAD_Y_2 const v128_t v0 = wasm_v128_load(yp), v1 = wasm_v128_load(yp + 4);
#define LOAD_Y_1 const v128_t v0 = wasm_v128_load(yp);
#define MAC(acc, xi, v) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(xi, v));
#define MAC_4_2                                                                                    \
  { const v128_t s0 = wasm_v128_load32_splat(xp), s1 = wasm_v128_load32_splat(xp + 1);              \
    const v128_t s2 = wasm_v128_load32_splat(xp + 2), s3 = wasm_v128_load32_splat(xp + 3);          \
    MAC(a00, s0, v0) MAC(a01, s0, v1) MAC(a10, s1, v0) MAC(a11, s1, v1)                            \
    MAC(a20, s2, v0) MAC(a21, s2, v1) MAC(a30, s3, v0) MAC(a31, s3, v1) }
#define MAC_4_1                                                                                    \
  { const v128_t s0 = wasm_v128_load32_splat(xp), s1 = wasm_v128_load32_splat(xp + 1);              \
    const v128_t s2 = wasm_v128_load32_splat(xp + 2), s3 = wasm_v128_load32_splat(xp + 3);          \
    MAC(a00, s0, v0) MAC(a10, s1, v0) MAC(a20, s2, v0) MAC(a30, s3, v0) }
#define MAC_1_2 { const v128_t s0 = wasm_v128_load32_splat(xp); MAC(a00, s0, v0) MAC(a01, s0, v1) }
#define MAC_1_1 { const v128_t s0 = wasm_v128_load32_splat(xp); MAC(a00, s0, v0) }

#define TILE_ARGS                                                                                  \
  const f32 *x0, const f32 *y0, f32 *d, int r0, int r1, int oh, int ow, int h, int w, int cin,     \
      int cout, int ky, int dh, int sh, int pt, int iw0, int ox0, int count, int xstep
#define ROW(i) (d + (i) * cout)

static inline void tile_4x8(TILE_ARGS) {
  v128_t a00 = wasm_v128_load(ROW(0)), a01 = wasm_v128_load(ROW(0) + 4);
  v128_t a10 = wasm_v128_load(ROW(1)), a11 = wasm_v128_load(ROW(1) + 4);
  v128_t a20 = wasm_v128_load(ROW(2)), a21 = wasm_v128_load(ROW(2) + 4);
  v128_t a30 = wasm_v128_load(ROW(3)), a31 = wasm_v128_load(ROW(3) + 4);
  TILE_BODY(4, 2)
  wasm_v128_store(ROW(0), a00); wasm_v128_store(ROW(0) + 4, a01);
  wasm_v128_store(ROW(1), a10); wasm_v128_store(ROW(1) + 4, a11);
  wasm_v128_store(ROW(2), a20); wasm_v128_store(ROW(2) + 4, a21);
  wasm_v128_store(ROW(3), a30); wasm_v128_store(ROW(3) + 4, a31);
}

static inline void tile_4x4(TILE_ARGS) {
  v128_t a00 = wasm_v128_load(ROW(0)), a10 = wasm_v128_load(ROW(1));
  v128_t a20 = wasm_v128_load(ROW(2)), a30 = wasm_v128_load(ROW(3));
  TILE_BODY(4, 1)
  wasm_v128_store(ROW(0), a00); wasm_v128_store(ROW(1), a10);
  wasm_v128_store(ROW(2), a20); wasm_v128_store(ROW(3), a30);
}

static inline void tile_1x8(TILE_ARGS) {
  v128_t a00 = wasm_v128_load(ROW(0)), a01 = wasm_v128_load(ROW(0) + 4);
  TILE_BODY(1, 2)
  wasm_v128_store(ROW(0), a00); wasm_v128_store(ROW(0) + 4, a01);
}

static inline void tile_1x4(TILE_ARGS) {
  v128_t a00 = wasm_v128_load(ROW(0));
  TILE_BODY(1, 1)
  wasm_v128_store(ROW(0), a00);
}

// Output channels beyond the last multiple of 4 (1..3 of them, `tail`), for 4 input channels:
// vectorised across the input channels instead (x is contiguous in ci), lanes stored one by one.
static inline void tile_4xtail(TILE_ARGS, int tail) {
  v128_t c0 = wasm_f32x4_const(0, 0, 0, 0), c1 = c0, c2 = c0;
  ROWS_BEGIN
    for (int t = count; t > 0; t--) {
      const v128_t xv = wasm_v128_load(xp);
      c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(xv, wasm_v128_load32_splat(yp)));
      if (tail > 1) c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(xv, wasm_v128_load32_splat(yp + 1)));
      if (tail > 2) c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(xv, wasm_v128_load32_splat(yp + 2)));
      xp += xstep;
      yp += cout;
    }
  ROWS_END
#define STORE_LANES(c, j)                                                                          \
  d[j] += wasm_f32x4_extract_lane(c, 0); d[cout + j] += wasm_f32x4_extract_lane(c, 1);             \
  d[2 * cout + j] += wasm_f32x4_extract_lane(c, 2); d[3 * cout + j] += wasm_f32x4_extract_lane(c, 3);
  STORE_LANES(c0, 0)
  if (tail > 1) { STORE_LANES(c1, 1) }
  if (tail > 2) { STORE_LANES(c2, 2) }
}

// One dW element (a leftover input channel times a leftover output channel; also the depthwise
// gradient's leftover channels).
static inline void tile_1x1(TILE_ARGS) {
  f32 acc = *d;
  ROWS_BEGIN
    for (int t = count; t > 0; t--) {
      acc += *xp * *yp;
      xp += xstep;
      yp += cout;
    }
  ROWS_END
  *d = acc;
}

// Output rows per block: the block's dy and x rows stay in L1 while every tile of every tap walks
// them (32 KiB blocks; 64-256 KiB blocks in L2 measured 5-25% slower).
static int block_rows(int ow, int cout, int cin) {
  const int per_row = ow * (cout + cin) * 4;
  const int rows = (32 * 1024) / (per_row > 0 ? per_row : 1);
  return rows < 1 ? 1 : rows;
}

// Output channels per block: tiles of all input channels reuse the block's dy while it is in L1.
#define CO_BLOCK 32

// Conv2DBackpropFilter in NHWC: dW [kh, kw, cin, cout] from x [n, h, w, cin] and
// dy [n, oh, ow, cout], with strides, dilations and top/left padding as in the forward conv.
// Loops: pixel block (rows, or part of one long row: a 1x1 conv arrives as one row of all
// pixels) > tap > output-channel block > register tile (4 or 1 input x 8, 4 or 1-3 output
// channels) > the block's pixels. Pixel blocks hold ~32 KiB of the dy block and x lines.
EXPORT(conv2d_filter_grad)
void conv2d_filter_grad(const f32* x, const f32* dy, f32* dw, int n, int h, int w, int cin,
                        int oh, int ow, int cout, int kh, int kw, int sh, int sw, int dh,
                        int dwl, int pt, int pl) {
  const int total = kh * kw * cin * cout;
  for (int i = 0; i < total; i++) dw[i] = 0.0f;
  const int rows = n * oh;
  const int nc = cout < CO_BLOCK ? cout : CO_BLOCK;
  // Per pixel: nc floats of dy and one 64-byte line of x (shared by 4 consecutive ci tiles).
  const int budget = block_rows(1, nc, 16);
  const int cols = ow < budget ? ow : budget;
  const int step = budget / cols;
  const int xstep = sw * cin;
  for (int r0 = 0; r0 < rows; r0 += step) {
    const int r1 = r0 + step < rows ? r0 + step : rows;
    for (int c0 = 0; c0 < ow; c0 += cols) {
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++) {
          // Output columns of this block whose input column ox*sw + kx*dwl - pl lies inside [0, w).
          const int off = kx * dwl - pl;
          int ox0 = off >= 0 ? 0 : (-off + sw - 1) / sw;
          int ox1 = (w - 1 - off) >= 0 ? (w - 1 - off) / sw + 1 : 0;
          if (ox0 < c0) ox0 = c0;
          if (ox1 > c0 + cols) ox1 = c0 + cols;
          if (ox1 > ow) ox1 = ow;
          const int count = ox1 - ox0;
          if (count <= 0) continue;
          const int iw0 = ox0 * sw + off;
          f32* tap = dw + (ky * kw + kx) * cin * cout;
#define AT(ci, co) x + (ci), dy + (co), tap + (ci) * cout + (co), r0, r1, oh, ow, h, w, cin, cout, ky, dh, sh, pt, iw0, ox0, count, xstep
          for (int nb = 0; nb < cout; nb += nc) {
            const int ne = nb + nc < cout ? nb + nc : cout;
            int ci = 0;
            for (; ci + 4 <= cin; ci += 4) {
              int co = nb;
              for (; co + 8 <= ne; co += 8) tile_4x8(AT(ci, co));
              for (; co + 4 <= ne; co += 4) tile_4x4(AT(ci, co));
              if (co < ne) tile_4xtail(AT(ci, co), ne - co);
            }
            for (; ci < cin; ci++) {
              int co = nb;
              for (; co + 8 <= ne; co += 8) tile_1x8(AT(ci, co));
              for (; co + 4 <= ne; co += 4) tile_1x4(AT(ci, co));
              for (; co < ne; co++) tile_1x1(AT(ci, co));
            }
          }
#undef AT
        }
      }
    }
  }
}

// DepthwiseConv2dNativeBackpropFilter in NHWC: dW [kh, kw, c, m] from x [n, h, w, c] and
// dy [n, oh, ow, c*m] (channel ci*m + q of dy comes from input channel ci). Vectorised across
// channels when m == 1 (MobileNet); a scalar loop per channel pair otherwise.
EXPORT(depthwise_filter_grad)
void depthwise_filter_grad(const f32* x, const f32* dy, f32* dw, int n, int h, int w, int c,
                           int oh, int ow, int m, int kh, int kw, int sh, int sw, int pt, int pl) {
  const int cm = c * m;
  const int total = kh * kw * cm;
  for (int i = 0; i < total; i++) dw[i] = 0.0f;
  const int rows = n * oh;
  const int step = block_rows(ow, cm, c);
  const int xstep = sw * c;
  const int cin = c, cout = cm, dh = 1;  // names ROWS_BEGIN expects
  for (int r0 = 0; r0 < rows; r0 += step) {
    const int r1 = r0 + step < rows ? r0 + step : rows;
    for (int ky = 0; ky < kh; ky++) {
      for (int kx = 0; kx < kw; kx++) {
        const int off = kx - pl;
        int ox0 = off >= 0 ? 0 : (-off + sw - 1) / sw;
        int ox1 = (w - 1 - off) >= 0 ? (w - 1 - off) / sw + 1 : 0;
        if (ox1 > ow) ox1 = ow;
        const int count = ox1 - ox0;
        if (count <= 0) continue;
        const int iw0 = ox0 * sw + off;
        f32* tap = dw + (ky * kw + kx) * cm;
        int ch = 0;
        if (m == 1) {
          for (; ch + 16 <= c; ch += 16) {
            const f32 *x0 = x + ch, *y0 = dy + ch;
            f32* d = tap + ch;
            v128_t a0 = wasm_v128_load(d), a1 = wasm_v128_load(d + 4);
            v128_t a2 = wasm_v128_load(d + 8), a3 = wasm_v128_load(d + 12);
            ROWS_BEGIN
              for (int t = count; t > 0; t--) {
                a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xp), wasm_v128_load(yp)));
                a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(xp + 4), wasm_v128_load(yp + 4)));
                a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(xp + 8), wasm_v128_load(yp + 8)));
                a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(xp + 12), wasm_v128_load(yp + 12)));
                xp += xstep;
                yp += cout;
              }
            ROWS_END
            wasm_v128_store(d, a0); wasm_v128_store(d + 4, a1);
            wasm_v128_store(d + 8, a2); wasm_v128_store(d + 12, a3);
          }
          for (; ch + 4 <= c; ch += 4) {
            const f32 *x0 = x + ch, *y0 = dy + ch;
            f32* d = tap + ch;
            v128_t a0 = wasm_v128_load(d);
            ROWS_BEGIN
              for (int t = count; t > 0; t--) {
                a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xp), wasm_v128_load(yp)));
                xp += xstep;
                yp += cout;
              }
            ROWS_END
            wasm_v128_store(d, a0);
          }
        }
        // Leftover channels (m == 1), or every (input channel, multiplier) pair (m > 1).
        for (int k = ch * m; k < cm; k++)
          tile_1x1(x + k / m, dy + k, tap + k, r0, r1, oh, ow, h, w, cin, cout, ky, dh, sh, pt, iw0,
                   ox0, count, xstep);
      }
    }
  }
}

// ---- Batch-norm training over x [rows, c] (channels last): 3 reads + 1 write forward, 2 reads +
// 1 write backward, against ~13 full-tensor passes as tf ops. Per-channel sums are accumulated
// row-major (the c accumulators stay in L1 while x streams once) in blocks of SUM_BLOCK rows, so a
// float32 sum over 100k+ rows keeps ~1e-6 relative error.
#define SUM_BLOCK 64

// acc[ch] += row[ch] (square: (row[ch] - mean[ch])^2) for one row.
static inline void add_row(f32* acc, const f32* row, const f32* mean, int c, int square) {
  int ch = 0;
  if (square) {
    for (; ch + 4 <= c; ch += 4) {
      const v128_t d = wasm_f32x4_sub(wasm_v128_load(row + ch), wasm_v128_load(mean + ch));
      wasm_v128_store(acc + ch, wasm_f32x4_add(wasm_v128_load(acc + ch), wasm_f32x4_mul(d, d)));
    }
    for (; ch < c; ch++) { const f32 d = row[ch] - mean[ch]; acc[ch] += d * d; }
  } else {
    for (; ch + 4 <= c; ch += 4)
      wasm_v128_store(acc + ch, wasm_f32x4_add(wasm_v128_load(acc + ch), wasm_v128_load(row + ch)));
    for (; ch < c; ch++) acc[ch] += row[ch];
  }
}

// total[ch] = sum over rows of x[r, ch] (or of (x - mean)^2); partial: c floats of scratch.
static void column_sums(const f32* x, int rows, int c, const f32* mean, int square, f32* total, f32* partial) {
  for (int ch = 0; ch < c; ch++) total[ch] = 0.0f;
  for (int r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
    const int r1 = r0 + SUM_BLOCK < rows ? r0 + SUM_BLOCK : rows;
    for (int ch = 0; ch < c; ch++) partial[ch] = 0.0f;
    for (int r = r0; r < r1; r++) add_row(partial, x + (long)r * c, mean, c, square);
    for (int ch = 0; ch < c; ch++) total[ch] += partial[ch];
  }
}

// y = (x - mean) * gamma * invStd + beta with the batch's mean and (biased) variance; writes mean,
// variance and invStd (c floats each). scale: c floats of scratch.
EXPORT(batch_norm_train)
void batch_norm_train(const f32* x, const f32* gamma, const f32* beta, f32* y, f32* mean, f32* var,
                      f32* inv_std, f32* scale, int rows, int c, f32 eps) {
  const f32 inv_rows = 1.0f / (f32)rows;
  column_sums(x, rows, c, mean, 0, mean, scale);
  for (int ch = 0; ch < c; ch++) mean[ch] *= inv_rows;
  column_sums(x, rows, c, mean, 1, var, scale);
  for (int ch = 0; ch < c; ch++) {
    var[ch] *= inv_rows;
    inv_std[ch] = 1.0f / __builtin_sqrtf(var[ch] + eps);
    scale[ch] = gamma[ch] * inv_std[ch];
  }
  for (int r = 0; r < rows; r++) {
    const f32* xr = x + (long)r * c;
    f32* yr = y + (long)r * c;
    int ch = 0;
    for (; ch + 4 <= c; ch += 4) {
      const v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + ch), wasm_v128_load(mean + ch));
      wasm_v128_store(yr + ch, wasm_f32x4_add(wasm_f32x4_mul(d, wasm_v128_load(scale + ch)), wasm_v128_load(beta + ch)));
    }
    for (; ch < c; ch++) yr[ch] = (xr[ch] - mean[ch]) * scale[ch] + beta[ch];
  }
}

// Gradient of batch_norm_train: with xc = x - mean, k = gamma * invStd,
// dbeta = sum(g), dgamma = sum(g xc) invStd, dx = (g - dbeta/rows) k - xc k invStd^2 sum(g xc)/rows.
// kc, bias: c floats of scratch each.
EXPORT(batch_norm_grad)
void batch_norm_grad(const f32* g, const f32* x, const f32* mean, const f32* inv_std, const f32* gamma,
                     f32* dx, f32* dgamma, f32* dbeta, f32* kc, f32* bias, int rows, int c) {
  for (int ch = 0; ch < c; ch++) { dbeta[ch] = 0.0f; dgamma[ch] = 0.0f; }
  for (int r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
    const int r1 = r0 + SUM_BLOCK < rows ? r0 + SUM_BLOCK : rows;
    for (int ch = 0; ch < c; ch++) { kc[ch] = 0.0f; bias[ch] = 0.0f; }
    for (int r = r0; r < r1; r++) {
      const f32* gr = g + (long)r * c;
      const f32* xr = x + (long)r * c;
      int ch = 0;
      for (; ch + 4 <= c; ch += 4) {
        const v128_t gv = wasm_v128_load(gr + ch);
        const v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + ch), wasm_v128_load(mean + ch));
        wasm_v128_store(bias + ch, wasm_f32x4_add(wasm_v128_load(bias + ch), gv));
        wasm_v128_store(kc + ch, wasm_f32x4_add(wasm_v128_load(kc + ch), wasm_f32x4_mul(gv, d)));
      }
      for (; ch < c; ch++) { bias[ch] += gr[ch]; kc[ch] += gr[ch] * (xr[ch] - mean[ch]); }
    }
    for (int ch = 0; ch < c; ch++) { dbeta[ch] += bias[ch]; dgamma[ch] += kc[ch]; }
  }
  const f32 inv_rows = 1.0f / (f32)rows;
  // Per channel: dx = g * k + xc * kc + bias, with kc = -k invStd^2 sum(g xc)/rows and
  // bias = -k dbeta/rows; dgamma then becomes sum(g xc) * invStd.
  for (int ch = 0; ch < c; ch++) {
    const f32 s = inv_std[ch], k = gamma[ch] * s, sum_gx = dgamma[ch];
    kc[ch] = -k * s * s * sum_gx * inv_rows;
    bias[ch] = -dbeta[ch] * inv_rows * k;
    dgamma[ch] = sum_gx * s;
  }
  for (int r = 0; r < rows; r++) {
    const f32* gr = g + (long)r * c;
    const f32* xr = x + (long)r * c;
    f32* dr = dx + (long)r * c;
    int ch = 0;
    for (; ch + 4 <= c; ch += 4) {
      const v128_t k = wasm_f32x4_mul(wasm_v128_load(gamma + ch), wasm_v128_load(inv_std + ch));
      const v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + ch), wasm_v128_load(mean + ch));
      v128_t out = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(gr + ch), k), wasm_v128_load(bias + ch));
      wasm_v128_store(dr + ch, wasm_f32x4_add(out, wasm_f32x4_mul(d, wasm_v128_load(kc + ch))));
    }
    for (; ch < c; ch++) dr[ch] = gr[ch] * gamma[ch] * inv_std[ch] + bias[ch] + (xr[ch] - mean[ch]) * kc[ch];
  }
}

// ---- MaxPoolGrad with cpu-backend semantics: the running max starts at -Infinity and the first
// maximum of a window wins (so NaN and -Infinity windows route nothing). dx [n, h, w, c] from the
// pool's input x and dy [n, oh, ow, c].
EXPORT(max_pool_grad)
void max_pool_grad(const f32* x, const f32* dy, f32* dx, int n, int h, int w, int c, int oh, int ow,
                   int fh, int fw, int sh, int sw, int pt, int pl) {
  const int total = n * h * w * c;
  for (int i = 0; i < total; i++) dx[i] = 0.0f;
  const f32 neg_inf = -__builtin_inff();
  if (fh == 2 && fw == 2 && sh == 2 && sw == 2 && pt == 0 && pl == 0 && 2 * oh <= h && 2 * ow <= w) {
    // Non-overlapping 2x2 windows inside the input (LeNet, VGG): 4 channels at a time, each window position
    // written with g where it holds the window's first maximum, 0 elsewhere.
    const v128_t lowest = wasm_f32x4_splat(neg_inf);
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          const long p0 = ((long)(b * h + 2 * i) * w + 2 * j) * c, p2 = p0 + (long)w * c;
          const f32* g = dy + ((long)(b * oh + i) * ow + j) * c;
          int ch = 0;
          for (; ch + 4 <= c; ch += 4) {
            const v128_t a0 = wasm_v128_load(x + p0 + ch), a1 = wasm_v128_load(x + p0 + c + ch);
            const v128_t a2 = wasm_v128_load(x + p2 + ch), a3 = wasm_v128_load(x + p2 + c + ch);
            const v128_t s0 = wasm_f32x4_gt(a0, lowest);
            v128_t best = wasm_v128_bitselect(a0, lowest, s0);
            const v128_t s1 = wasm_f32x4_gt(a1, best);
            best = wasm_v128_bitselect(a1, best, s1);
            const v128_t s2 = wasm_f32x4_gt(a2, best);
            best = wasm_v128_bitselect(a2, best, s2);
            const v128_t s3 = wasm_f32x4_gt(a3, best);
            const v128_t gv = wasm_v128_load(g + ch);
            const v128_t later2 = s3, later1 = wasm_v128_or(s2, s3), later0 = wasm_v128_or(s1, later1);
            wasm_v128_store(dx + p0 + ch, wasm_v128_and(gv, wasm_v128_andnot(s0, later0)));
            wasm_v128_store(dx + p0 + c + ch, wasm_v128_and(gv, wasm_v128_andnot(s1, later1)));
            wasm_v128_store(dx + p2 + ch, wasm_v128_and(gv, wasm_v128_andnot(s2, later2)));
            wasm_v128_store(dx + p2 + c + ch, wasm_v128_and(gv, s3));
          }
          for (; ch < c; ch++) {
            f32 best = neg_inf;
            long where = -1;
            for (int k = 0; k < 4; k++) {
              const long at = (k < 2 ? p0 : p2) + (k & 1) * c + ch;
              if (x[at] > best) { best = x[at]; where = at; }
            }
            if (where >= 0) dx[where] = g[ch];
          }
        }
      }
    }
    return;
  }
  for (int b = 0; b < n; b++) {
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        const f32* g = dy + ((long)(b * oh + i) * ow + j) * c;
        for (int ch = 0; ch < c; ch++) {
          f32 best = neg_inf;
          long where = -1;
          for (int p = 0; p < fh; p++) {
            const int r = i * sh - pt + p;
            if (r < 0 || r >= h) continue;
            for (int q = 0; q < fw; q++) {
              const int col = j * sw - pl + q;
              if (col < 0 || col >= w) continue;
              const long at = ((long)(b * h + r) * w + col) * c + ch;
              if (x[at] > best) { best = x[at]; where = at; }
            }
          }
          if (where >= 0) dx[where] += g[ch];
        }
      }
    }
  }
}

// ---- col2im for a stride-1 conv's input gradient: cols [n*oh*ow, kh*kw*cin] (dy . W^T per
// output pixel) scatter-added into dx [n, h, w, cin]. Per output pixel and filter row, the valid
// taps and their channels are one contiguous run in both.
EXPORT(col2im_add)
void col2im_add(const f32* cols, f32* dx, int n, int h, int w, int cin, int oh, int ow, int kh,
                int kw, int pt, int pl) {
  const int total = n * h * w * cin;
  for (int i = 0; i < total; i++) dx[i] = 0.0f;
  const int k = kh * kw * cin;
  for (int b = 0; b < n; b++) {
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        const f32* src0 = cols + ((long)(b * oh + i) * ow + j) * k;
        const int col0 = j - pl;
        const int from = (col0 < 0 ? -col0 : 0) * cin;
        const int to = (w - col0 < kw ? w - col0 : kw) * cin;
        for (int p = 0; p < kh; p++) {
          const int r = i + p - pt;
          if (r < 0 || r >= h) continue;
          f32* d = dx + ((long)(b * h + r) * w + col0) * cin;
          const f32* s = src0 + p * kw * cin;
          int t = from;
          for (; t + 4 <= to; t += 4)
            wasm_v128_store(d + t, wasm_f32x4_add(wasm_v128_load(d + t), wasm_v128_load(s + t)));
          for (; t < to; t++) d[t] += s[t];
        }
      }
    }
  }
}

// ---- C [m, n] = A [m, k] . B [n, k]^T: both operands contiguous along k, so products with a
// transposed weight (dense and 1x1-conv input gradients, dy . W^T per pixel) need no transpose
// and no packing. Register tile: 2 rows of A x 4 rows of B, 4 k-lanes per accumulator, summed
// across lanes at the end. B is walked in blocks of rows that stay in L2 while all of A passes.
static inline f32 lane_sum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

static inline void dot_2x4(const f32* a0, const f32* a1, const f32* b0, int ldb, f32* c, int ldc, int k) {
  const f32 *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
  v128_t c00 = wasm_f32x4_const(0, 0, 0, 0), c01 = c00, c02 = c00, c03 = c00;
  v128_t c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  int kk = 0;
  for (; kk + 4 <= k; kk += 4) {
    const v128_t x0 = wasm_v128_load(a0 + kk), x1 = wasm_v128_load(a1 + kk);
    v128_t y = wasm_v128_load(b0 + kk);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, y)); c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, y));
    y = wasm_v128_load(b1 + kk);
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, y)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, y));
    y = wasm_v128_load(b2 + kk);
    c02 = wasm_f32x4_add(c02, wasm_f32x4_mul(x0, y)); c12 = wasm_f32x4_add(c12, wasm_f32x4_mul(x1, y));
    y = wasm_v128_load(b3 + kk);
    c03 = wasm_f32x4_add(c03, wasm_f32x4_mul(x0, y)); c13 = wasm_f32x4_add(c13, wasm_f32x4_mul(x1, y));
  }
  f32 s00 = lane_sum(c00), s01 = lane_sum(c01), s02 = lane_sum(c02), s03 = lane_sum(c03);
  f32 s10 = lane_sum(c10), s11 = lane_sum(c11), s12 = lane_sum(c12), s13 = lane_sum(c13);
  for (; kk < k; kk++) {
    s00 += a0[kk] * b0[kk]; s01 += a0[kk] * b1[kk]; s02 += a0[kk] * b2[kk]; s03 += a0[kk] * b3[kk];
    s10 += a1[kk] * b0[kk]; s11 += a1[kk] * b1[kk]; s12 += a1[kk] * b2[kk]; s13 += a1[kk] * b3[kk];
  }
  c[0] = s00; c[1] = s01; c[2] = s02; c[3] = s03;
  c[ldc] = s10; c[ldc + 1] = s11; c[ldc + 2] = s12; c[ldc + 3] = s13;
}

static inline f32 dot_1x1(const f32* a, const f32* b, int k) {
  v128_t acc = wasm_f32x4_const(0, 0, 0, 0);
  int kk = 0;
  for (; kk + 4 <= k; kk += 4) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + kk), wasm_v128_load(b + kk)));
  f32 s = lane_sum(acc);
  for (; kk < k; kk++) s += a[kk] * b[kk];
  return s;
}

EXPORT(gemm_nt)
void gemm_nt(const f32* a, const f32* b, f32* c, int m, int n, int k) {
  // Rows of B per block: ~128 KiB of B, in L2 while every row of A passes over it.
  int nb = (32 * 1024) / (k > 0 ? k : 1);
  nb = nb < 4 ? 4 : nb - nb % 4;
  for (int j0 = 0; j0 < n; j0 += nb) {
    const int j1 = j0 + nb < n ? j0 + nb : n;
    int i = 0;
    for (; i + 2 <= m; i += 2) {
      const f32 *a0 = a + (long)i * k, *a1 = a0 + k;
      f32* ci = c + (long)i * n;
      int j = j0;
      for (; j + 4 <= j1; j += 4) dot_2x4(a0, a1, b + (long)j * k, k, ci + j, n, k);
      for (; j < j1; j++) {
        ci[j] = dot_1x1(a0, b + (long)j * k, k);
        ci[n + j] = dot_1x1(a1, b + (long)j * k, k);
      }
    }
    for (; i < m; i++)
      for (int j = j0; j < j1; j++) c[(long)i * n + j] = dot_1x1(a + (long)i * k, b + (long)j * k, k);
  }
}

// ---- DepthwiseConv2dNativeBackpropInput, channel multiplier 1: dx [n, h, w, c] gathers, per input
// pixel, dy [n, oh, ow, c] at every output pixel whose window covers it, times that tap of
// W [kh, kw, c]. Strided convs just skip the taps whose offset is not a multiple of the stride,
// so no work is wasted on zero-stuffing.
static inline int out_index(int t, int s, int limit) {
  if (t < 0) return -1;
  int o;
  if (s == 1) o = t;
  else if (s == 2) { if (t & 1) return -1; o = t >> 1; }
  else { if (t % s) return -1; o = t / s; }
  return o < limit ? o : -1;
}

EXPORT(depthwise_input_grad)
void depthwise_input_grad(const f32* dy, const f32* wt, f32* dx, int n, int h, int w, int c, int oh,
                          int ow, int kh, int kw, int sh, int sw, int pt, int pl) {
  for (int b = 0; b < n; b++) {
    for (int ih = 0; ih < h; ih++) {
      for (int iw = 0; iw < w; iw++) {
        f32* d = dx + ((long)(b * h + ih) * w + iw) * c;
        for (int ch = 0; ch < c; ch++) d[ch] = 0.0f;
        for (int ky = 0; ky < kh; ky++) {
          const int oy = out_index(ih + pt - ky, sh, oh);
          if (oy < 0) continue;
          for (int kx = 0; kx < kw; kx++) {
            const int ox = out_index(iw + pl - kx, sw, ow);
            if (ox < 0) continue;
            const f32* g = dy + ((long)(b * oh + oy) * ow + ox) * c;
            const f32* wk = wt + (ky * kw + kx) * c;
            int ch = 0;
            for (; ch + 4 <= c; ch += 4)
              wasm_v128_store(d + ch, wasm_f32x4_add(wasm_v128_load(d + ch),
                                                     wasm_f32x4_mul(wasm_v128_load(g + ch), wasm_v128_load(wk + ch))));
            for (; ch < c; ch++) d[ch] += g[ch] * wk[ch];
          }
        }
      }
    }
  }
}

// ---- Gradient of a clamp to [lo, hi]: dx = dy * m, m = 1 inside (lo < x < hi, or lo <= x <= hi
// when inclusive), 0 outside and NaN where x is NaN: the values the tf-op form in
// src/backend/clip-gradient.ts computes from step(), in one pass.
EXPORT(clip_grad)
void clip_grad(const f32* dy, const f32* x, f32* dx, int size, f32 lo, f32 hi, int inclusive) {
  const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  const v128_t one = wasm_f32x4_splat(1.0f), zero = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= size; i += 4) {
    const v128_t xv = wasm_v128_load(x + i);
    const v128_t inside = inclusive ? wasm_v128_and(wasm_f32x4_ge(xv, vlo), wasm_f32x4_le(xv, vhi))
                                    : wasm_v128_and(wasm_f32x4_gt(xv, vlo), wasm_f32x4_lt(xv, vhi));
    v128_t m = wasm_v128_bitselect(one, zero, inside);
    m = wasm_v128_bitselect(xv, m, wasm_f32x4_ne(xv, xv));
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), m));
  }
  for (; i < size; i++) {
    const f32 v = x[i];
    const int in = inclusive ? (v >= lo && v <= hi) : (v > lo && v < hi);
    const f32 m = v != v ? v : (in ? 1.0f : 0.0f);
    dx[i] = dy[i] * m;
  }
}
