// The packed int8 GEMM for AVX2: tiles of up to 6 rows by one panel, in two
// halves of 8 columns. A's four uint8 values and each column's four int8 values are
// widened to int16 and multiplied by vpmaddwd, whose pair sums cannot
// saturate (vpmaddubsw's can: 2 x 255 x 127 > 32767); two int32 lanes per
// column are added at the end. Compiled with -mavx2 -mfma (CMakeLists.txt).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "ops/x86/packed_qgemm.h"
#include "ops/x86/packed_qgemm_quads.h"

namespace xenc {
namespace {

constexpr int64_t kMaxRows = 6;
constexpr int64_t kHalfWidth = kQPanelWidth / 2;

// Per column pair (c, c + 1), acc0 holds [c0 c0 c1 c1 | c2 c2 c3 c3] and
// acc1 the same for columns 4-7; returns the eight column sums in order.
__m256i column_sums(__m256i acc0, __m256i acc1) {
  const __m256i pairs = _mm256_hadd_epi32(acc0, acc1);  // [c0 c1 c4 c5 | c2 c3 c6 c7]
  return _mm256_permute4x64_epi64(pairs, _MM_SHUFFLE(3, 1, 2, 0));
}

void store_first(int32_t* p, __m256i v, int64_t count) {
  if (count >= kHalfWidth) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
  } else if (count > 0) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    _mm256_maskstore_epi32(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), lane), v);
  }
}

template <int kRows>
void half_tile(const PackedQgemmBlock& g, int64_t row, int64_t panel, int64_t half) {
  const uint8_t* a = g.a + row * g.lda;
  const int8_t* b = g.packed + panel * qgemm_padded_depth(g.k) * kQPanelWidth + half * kHalfWidth * kQDepthGroup;
  __m256i acc[kRows][2];
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
  const auto group_step = [&](int64_t p, auto quad_of_row) {
    const int8_t* group = b + p * kQPanelWidth;
    const __m256i w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group)));
    const __m256i w1 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group + 16)));
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) {
      const __m256i x = _mm256_cvtepu8_epi16(_mm_set1_epi32(quad_of_row(r)));
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(x, w0));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(x, w1));
    }
  };
  const int64_t whole = g.k / kQDepthGroup * kQDepthGroup;
  for (int64_t p = 0; p < whole; p += kQDepthGroup)
    group_step(p, [&](int r) {
      int32_t quad;
      std::memcpy(&quad, a + r * g.lda + p, sizeof quad);
      return quad;
    });
  if (whole < g.k) group_step(whole, [&](int r) { return a_quad(a + r * g.lda, whole, g.k); });
  const int64_t first = panel * kQPanelWidth + half * kHalfWidth;
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r)
    store_first(g.c + (row + r) * g.ldc + first, column_sums(acc[r][0], acc[r][1]), g.n - first);
}

// A tile is both halves of its panel (the second only where it has columns).
template <int kRows, int /* one panel */>
struct Tile {
  static void run(const PackedQgemmBlock& g, int64_t row, int64_t panel) {
    for (int64_t half = 0; half < 2 && panel * kQPanelWidth + half * kHalfWidth < g.n; ++half)
      half_tile<kRows>(g, row, panel, half);
  }
};

}  // namespace

void packed_qgemm_avx2(const PackedQgemmBlock& g) { for_each_tile<Tile, kMaxRows, 1>(g); }

}  // namespace xenc
