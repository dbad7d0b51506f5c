/*
 * Bit-serial GEMM kernel for releq's `bit-serial-cpu` hardware target (a Node-API addon).
 *
 * It computes as TVM's bit-serial operators do (Cowan et al., CGO 2020): operands are packed into
 * bit-planes of 64-bit words and a product is the sum over weight planes i and activation planes j
 * of popcount(W_i AND A_j) << (i + j). Activations are unsigned. Weights are either unsigned
 * (TVM unipolar=False) or "unipolar" as TVM names it (unipolar=True, its default): every weight
 * bit-plane holds +1/-1, so a plane contributes popcount(W_i & A_j) - popcount(~W_i & A_j), which
 * equals 2 * popcount(W_i & A_j) - popcount(A_j); the kernel uses that identity.
 *
 * Layouts (K = reduction length, KW = ceil(K / 64) words):
 *   activations: [M][a_bits][KW]      (one packed row per output pixel / batch row)
 *   weights:     [ceil(N/8)][w_bits][KW][8]  (8 output channels interleaved, one SIMD register)
 * The AVX-512 path (VPOPCNTDQ + BW + DQ) is compiled in when the build machine has it; the scalar
 * path is always present and selectable, so tests can check both against a plain matmul.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && defined(__AVX512VPOPCNTDQ__)
#include <immintrin.h>
#define RQ_SIMD 1
#define RQ_ISA "avx512-vpopcntdq"
#else
#define RQ_SIMD 0
#define RQ_ISA "scalar-popcnt"
#endif

#define LANES 8

static size_t words_for(size_t k) { return (k + 63) / 64; }

/* Packs `count` (<= KW*64, zero-padded in `buf`) uint16 values into `bits` planes of KW words. */
static void pack_buffer(const uint16_t *buf, size_t kw, int bits, uint64_t *out) {
#if RQ_SIMD
  for (size_t w = 0; w < kw; w++) {
    __m512i v0 = _mm512_loadu_si512((const void *)(buf + w * 64));
    __m512i v1 = _mm512_loadu_si512((const void *)(buf + w * 64 + 32));
    for (int j = 0; j < bits; j++) {
      __m512i bit = _mm512_set1_epi16((short)(1u << j));
      uint64_t lo = (uint32_t)_mm512_test_epi16_mask(v0, bit);
      uint64_t hi = (uint32_t)_mm512_test_epi16_mask(v1, bit);
      out[(size_t)j * kw + w] = lo | (hi << 32);
    }
  }
#else
  for (size_t w = 0; w < kw; w++) {
    const uint16_t *v = buf + w * 64;
    for (int j = 0; j < bits; j++) {
      uint64_t word = 0;
      for (int b = 0; b < 64; b++) word |= (uint64_t)((v[b] >> j) & 1u) << b;
      out[(size_t)j * kw + w] = word;
    }
  }
#endif
}

/* ---- argument helpers ---- */
static int fail(napi_env env, const char *msg) {
  napi_throw_error(env, "RELEQ_BITSERIAL", msg);
  return 0;
}
static int get_u32(napi_env env, napi_value v, uint32_t *out) {
  if (napi_get_value_uint32(env, v, out) != napi_ok) return fail(env, "expected a non-negative integer argument");
  return 1;
}
static int get_typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *length) {
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, data, &ab, &offset) != napi_ok || type != want)
    return fail(env, "typed array argument has the wrong type");
  return 1;
}

/* packRows(src: Uint16Array, rows, K, bits, out: BigUint64Array [rows][bits][KW]) */
static napi_value pack_rows(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  uint16_t *src; uint64_t *out; size_t ns, no; uint32_t rows, k, bits;
  if (argc < 5 || !get_typed(env, a[0], napi_uint16_array, (void **)&src, &ns) || !get_u32(env, a[1], &rows) ||
      !get_u32(env, a[2], &k) || !get_u32(env, a[3], &bits) ||
      !get_typed(env, a[4], napi_biguint64_array, (void **)&out, &no)) return NULL;
  size_t kw = words_for(k);
  if (bits < 1 || bits > 16 || ns < (size_t)rows * k || no < (size_t)rows * bits * kw)
    { fail(env, "packRows: sizes do not match"); return NULL; }
  uint16_t *buf = (uint16_t *)calloc(kw * 64, sizeof(uint16_t));
  for (uint32_t r = 0; r < rows; r++) {
    memcpy(buf, src + (size_t)r * k, (size_t)k * sizeof(uint16_t));
    pack_buffer(buf, kw, (int)bits, out + (size_t)r * bits * kw);
  }
  free(buf);
  return NULL;
}

/* packConv(src: Uint16Array NHWC [H][W][C], H, W, C, k, stride, pad, outH, outW, bits, out [M][bits][KW])
 * im2col fused with packing: each output pixel's k*k*C patch (order kh, kw, c) becomes one packed row. */
static napi_value pack_conv(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value a[11];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  uint16_t *src; uint64_t *out; size_t ns, no;
  uint32_t h, w, c, k, stride, pad, oh, ow, bits;
  if (argc < 11 || !get_typed(env, a[0], napi_uint16_array, (void **)&src, &ns) || !get_u32(env, a[1], &h) ||
      !get_u32(env, a[2], &w) || !get_u32(env, a[3], &c) || !get_u32(env, a[4], &k) ||
      !get_u32(env, a[5], &stride) || !get_u32(env, a[6], &pad) || !get_u32(env, a[7], &oh) ||
      !get_u32(env, a[8], &ow) || !get_u32(env, a[9], &bits) ||
      !get_typed(env, a[10], napi_biguint64_array, (void **)&out, &no)) return NULL;
  size_t kk = (size_t)k * k * c, kw = words_for(kk);
  if (bits < 1 || bits > 16 || stride < 1 || ns < (size_t)h * w * c || no < (size_t)oh * ow * bits * kw)
    { fail(env, "packConv: sizes do not match"); return NULL; }
  uint16_t *buf = (uint16_t *)calloc(kw * 64, sizeof(uint16_t));
  for (uint32_t oy = 0; oy < oh; oy++) {
    for (uint32_t ox = 0; ox < ow; ox++) {
      uint16_t *dst = buf;
      for (uint32_t ky = 0; ky < k; ky++) {
        long iy = (long)oy * stride + ky - pad;
        for (uint32_t kx = 0; kx < k; kx++, dst += c) {
          long ix = (long)ox * stride + kx - pad;
          if (iy < 0 || ix < 0 || iy >= (long)h || ix >= (long)w) memset(dst, 0, (size_t)c * sizeof(uint16_t));
          else memcpy(dst, src + ((size_t)iy * w + (size_t)ix) * c, (size_t)c * sizeof(uint16_t));
        }
      }
      pack_buffer(buf, kw, (int)bits, out + ((size_t)oy * ow + ox) * bits * kw);
    }
  }
  free(buf);
  return NULL;
}

/* packWeights(src: Uint16Array [N][K], N, K, bits, out: BigUint64Array [ceil(N/8)][bits][KW][8]) */
static napi_value pack_weights(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  uint16_t *src; uint64_t *out; size_t ns, no; uint32_t n, k, bits;
  if (argc < 5 || !get_typed(env, a[0], napi_uint16_array, (void **)&src, &ns) || !get_u32(env, a[1], &n) ||
      !get_u32(env, a[2], &k) || !get_u32(env, a[3], &bits) ||
      !get_typed(env, a[4], napi_biguint64_array, (void **)&out, &no)) return NULL;
  size_t kw = words_for(k), nb = (n + LANES - 1) / LANES;
  if (bits < 1 || bits > 16 || ns < (size_t)n * k || no < nb * bits * kw * LANES)
    { fail(env, "packWeights: sizes do not match"); return NULL; }
  uint16_t *buf = (uint16_t *)calloc(kw * 64, sizeof(uint16_t));
  uint64_t *row = (uint64_t *)calloc((size_t)bits * kw, sizeof(uint64_t));
  memset(out, 0, nb * bits * kw * LANES * sizeof(uint64_t));
  for (uint32_t r = 0; r < n; r++) {
    memcpy(buf, src + (size_t)r * k, (size_t)k * sizeof(uint16_t));
    pack_buffer(buf, kw, (int)bits, row);
    size_t block = r / LANES, lane = r % LANES;
    for (uint32_t i = 0; i < bits; i++)
      for (size_t x = 0; x < kw; x++) out[((block * bits + i) * kw + x) * LANES + lane] = row[(size_t)i * kw + x];
  }
  free(row);
  free(buf);
  return NULL;
}

/* ---- the bit-serial GEMM ---- */
static void gemm_scalar(const uint64_t *A, uint32_t M, uint32_t ab, const uint64_t *W, uint32_t N, uint32_t wb,
                        size_t kw, int unipolar, double *out) {
  int64_t rowpop[16];
  for (uint32_t m = 0; m < M; m++) {
    const uint64_t *am = A + (size_t)m * ab * kw;
    for (uint32_t j = 0; j < ab; j++) {
      int64_t p = 0;
      for (size_t x = 0; x < kw; x++) p += __builtin_popcountll(am[j * kw + x]);
      rowpop[j] = p;
    }
    for (uint32_t n = 0; n < N; n++) {
      size_t block = n / LANES, lane = n % LANES;
      int64_t acc = 0;
      for (uint32_t i = 0; i < wb; i++) {
        const uint64_t *wi = W + (block * wb + i) * kw * LANES + lane;
        for (uint32_t j = 0; j < ab; j++) {
          const uint64_t *aj = am + (size_t)j * kw;
          int64_t s = 0;
          for (size_t x = 0; x < kw; x++) s += __builtin_popcountll(wi[x * LANES] & aj[x]);
          if (unipolar) s = 2 * s - rowpop[j];
          acc += s * ((int64_t)1 << (i + j));
        }
      }
      out[(size_t)m * N + n] = (double)acc;
    }
  }
}

#if RQ_SIMD
#define RB 4 /* output pixels per register block: each weight vector load serves 4 pixels */

/* `rows` (1..RB, a compile-time constant after inlining) pixels x 8 output channels. */
static inline __attribute__((always_inline)) void simd_block(
    const uint64_t *const *ar, const int64_t (*rowpop)[16], int rows, uint32_t ab, const uint64_t *wblock,
    uint32_t wb, size_t kw, int unipolar, __m512i *acc) {
  for (int r = 0; r < rows; r++) acc[r] = _mm512_setzero_si512();
  for (uint32_t i = 0; i < wb; i++) {
    const uint64_t *wi = wblock + (size_t)i * kw * LANES;
    for (uint32_t j = 0; j < ab; j++) {
      __m512i t[RB];
      for (int r = 0; r < rows; r++) t[r] = _mm512_setzero_si512();
      for (size_t x = 0; x < kw; x++) {
        __m512i wv = _mm512_loadu_si512((const void *)(wi + x * LANES));
        for (int r = 0; r < rows; r++)
          t[r] = _mm512_add_epi64(t[r], _mm512_popcnt_epi64(_mm512_and_si512(wv, _mm512_set1_epi64((long long)ar[r][j * kw + x]))));
      }
      __m128i sh = _mm_cvtsi32_si128((int)(i + j));
      for (int r = 0; r < rows; r++) {
        __m512i v = t[r];
        if (unipolar) v = _mm512_sub_epi64(_mm512_slli_epi64(v, 1), _mm512_set1_epi64(rowpop[r][j]));
        acc[r] = _mm512_add_epi64(acc[r], _mm512_sll_epi64(v, sh));
      }
    }
  }
}

static void gemm_simd(const uint64_t *A, uint32_t M, uint32_t ab, const uint64_t *W, uint32_t N, uint32_t wb,
                      size_t kw, int unipolar, double *out) {
  size_t nblocks = (N + LANES - 1) / LANES;
  int64_t rowpop[RB][16];
  for (uint32_t m0 = 0; m0 < M; m0 += RB) {
    int rows = M - m0 < RB ? (int)(M - m0) : RB;
    const uint64_t *ar[RB];
    for (int r = 0; r < rows; r++) {
      ar[r] = A + (size_t)(m0 + r) * ab * kw;
      for (uint32_t j = 0; j < ab && unipolar; j++) {
        int64_t p = 0;
        for (size_t x = 0; x < kw; x++) p += __builtin_popcountll(ar[r][j * kw + x]);
        rowpop[r][j] = p;
      }
    }
    for (size_t nb = 0; nb < nblocks; nb++) {
      __m512i acc[RB];
      const uint64_t *wblock = W + nb * wb * kw * LANES;
      /* Full blocks take the 4-row path; the remainder (and 1-row dense layers) its own size. */
      switch (rows) {
        case 4: simd_block(ar, (const int64_t (*)[16])rowpop, 4, ab, wblock, wb, kw, unipolar, acc); break;
        case 3: simd_block(ar, (const int64_t (*)[16])rowpop, 3, ab, wblock, wb, kw, unipolar, acc); break;
        case 2: simd_block(ar, (const int64_t (*)[16])rowpop, 2, ab, wblock, wb, kw, unipolar, acc); break;
        default: simd_block(ar, (const int64_t (*)[16])rowpop, 1, ab, wblock, wb, kw, unipolar, acc); break;
      }
      uint32_t lanes = N - nb * LANES < LANES ? (uint32_t)(N - nb * LANES) : LANES;
      __mmask8 mask = (__mmask8)((1u << lanes) - 1u);
      for (int r = 0; r < rows; r++)
        _mm512_mask_storeu_pd(out + (size_t)(m0 + r) * N + nb * LANES, mask, _mm512_cvtepi64_pd(acc[r]));
    }
  }
}
#endif

/* gemm(a, M, aBits, w, N, wBits, K, unipolar, simd, out: Float64Array [M][N]) */
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value a[10];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  uint64_t *A, *W; double *out; size_t na, nw, no;
  uint32_t m, ab, n, wb, k;
  bool unipolar, simd;
  if (argc < 10 || !get_typed(env, a[0], napi_biguint64_array, (void **)&A, &na) || !get_u32(env, a[1], &m) ||
      !get_u32(env, a[2], &ab) || !get_typed(env, a[3], napi_biguint64_array, (void **)&W, &nw) ||
      !get_u32(env, a[4], &n) || !get_u32(env, a[5], &wb) || !get_u32(env, a[6], &k)) return NULL;
  if (napi_get_value_bool(env, a[7], &unipolar) != napi_ok || napi_get_value_bool(env, a[8], &simd) != napi_ok)
    { fail(env, "gemm: unipolar and simd must be booleans"); return NULL; }
  if (!get_typed(env, a[9], napi_float64_array, (void **)&out, &no)) return NULL;
  size_t kw = words_for(k), nb = (n + LANES - 1) / LANES;
  if (ab < 1 || ab > 16 || wb < 1 || wb > 16 || na < (size_t)m * ab * kw || nw < nb * wb * kw * LANES ||
      no < (size_t)m * n) { fail(env, "gemm: sizes do not match"); return NULL; }
#if RQ_SIMD
  if (simd) { gemm_simd(A, m, ab, W, n, wb, kw, unipolar, out); return NULL; }
#endif
  gemm_scalar(A, m, ab, W, n, wb, kw, unipolar, out);
  return NULL;
}

/* alignedU64(length): a zeroed BigUint64Array on 64-byte aligned memory. Packed operands are read
 * with 64-byte vector loads; on a misaligned buffer every load splits two cache lines, which made
 * timings depend on where the allocator happened to put each buffer. */
static void free_aligned(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  free(data);
}
static napi_value aligned_u64(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1], ab, out;
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  uint32_t n;
  if (argc < 1 || !get_u32(env, a[0], &n)) return NULL;
  size_t bytes = ((size_t)n * 8 + 63) / 64 * 64;
  if (bytes == 0) bytes = 64;
  void *p = aligned_alloc(64, bytes);
  if (p == NULL) { fail(env, "alignedU64: out of memory"); return NULL; }
  memset(p, 0, bytes);
  if (napi_create_external_arraybuffer(env, p, (size_t)n * 8, free_aligned, NULL, &ab) != napi_ok) {
    free(p);
    fail(env, "alignedU64: external buffers are not supported by this Node build");
    return NULL;
  }
  napi_create_typedarray(env, napi_biguint64_array, n, ab, 0, &out);
  return out;
}

/* threadCpuMs(): CPU time of the calling thread; unlike wall time it does not count time the
 * thread spends preempted, which dominates timings on a machine shared with other processes. */
static napi_value thread_cpu_ms(napi_env env, napi_callback_info info) {
  (void)info;
  struct timespec ts;
  napi_value out;
  double ms = -1;
#if defined(CLOCK_THREAD_CPUTIME_ID)
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) ms = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
#endif
  napi_create_double(env, ms, &out);
  return out;
}

static napi_value features(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, isa, simd, word;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, RQ_ISA, NAPI_AUTO_LENGTH, &isa);
  napi_get_boolean(env, RQ_SIMD != 0, &simd);
  napi_create_uint32(env, 64, &word);
  napi_set_named_property(env, obj, "isa", isa);
  napi_set_named_property(env, obj, "simd", simd);
  napi_set_named_property(env, obj, "wordBits", word);
  return obj;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"packRows", NULL, pack_rows, NULL, NULL, NULL, napi_default, NULL},
    {"packConv", NULL, pack_conv, NULL, NULL, NULL, napi_default, NULL},
    {"packWeights", NULL, pack_weights, NULL, NULL, NULL, napi_default, NULL},
    {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
    {"alignedU64", NULL, aligned_u64, NULL, NULL, NULL, napi_default, NULL},
    {"threadCpuMs", NULL, thread_cpu_ms, NULL, NULL, NULL, napi_default, NULL},
    {"features", NULL, features, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
