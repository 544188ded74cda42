// The packed bf16 GEMM for AVX2 + FMA: tiles of up to 4 rows by one panel
// (16 columns, two ymm registers), 8 float accumulators. A 32-bit lane holds
// a pair, even value in the low half, so widening to float is a shift left
// by 16 (even) or clearing the low half (odd), for A's broadcast pair and
// B's columns alike; each pair is two FMAs, odd value first (the order of
// packed_bgemm.h). The accumulators, B's four widened vectors and A's two
// take 14 of the 16 ymm registers; 6 rows (as the float kernel has) spill
// and ran at half the speed. Compiled with -mavx2 -mfma (CMakeLists.txt).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "ops/x86/packed_bgemm.h"

namespace xenc {
namespace {

constexpr int64_t kMaxRows = 4;
constexpr int64_t kLanes = 8;

__m256 even_values(__m256i pairs) { return _mm256_castsi256_ps(_mm256_slli_epi32(pairs, 16)); }
__m256 odd_values(__m256i pairs) {
  return _mm256_castsi256_ps(_mm256_and_si256(pairs, _mm256_set1_epi32(static_cast<int>(0xffff0000u))));
}

// Stores the first `count` lanes of v (all when count >= 8, none when <= 0).
void store_first(float* p, __m256 v, int64_t count) {
  if (count >= kLanes) {
    _mm256_storeu_ps(p, v);
  } else if (count > 0) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    _mm256_maskstore_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), lane), v);
  }
}

template <int kRows, int /* one panel */>
struct Tile {
  static void run(const PackedBgemmBlock& g, int64_t row, int64_t panel) {
    const uint16_t* a = g.a + row * g.lda;
    const uint16_t* b = g.packed + panel * bgemm_padded_depth(g.k) * kBPanelWidth;
    __m256 acc[kRows][2];
#pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    const auto pair_step = [&](int64_t p, auto pair_of_row) {
      const auto* group = reinterpret_cast<const __m256i*>(b + p * kBPanelWidth);  // columns 0-7, then 8-15
      const __m256i w0 = _mm256_loadu_si256(group), w1 = _mm256_loadu_si256(group + 1);
      const __m256 w0_even = even_values(w0), w0_odd = odd_values(w0);
      const __m256 w1_even = even_values(w1), w1_odd = odd_values(w1);
#pragma GCC unroll 4
      for (int r = 0; r < kRows; ++r) {
        const __m256i x = pair_of_row(r);
        const __m256 x_even = even_values(x), x_odd = odd_values(x);
        acc[r][0] = _mm256_fmadd_ps(x_odd, w0_odd, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(x_odd, w1_odd, acc[r][1]);
        acc[r][0] = _mm256_fmadd_ps(x_even, w0_even, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(x_even, w1_even, acc[r][1]);
      }
    };
    const int64_t whole = g.k / kBDepthPair * kBDepthPair;
    for (int64_t p = 0; p < whole; p += kBDepthPair)
      pair_step(p, [&](int r) {
        int32_t pair;
        std::memcpy(&pair, a + r * g.lda + p, sizeof pair);
        return _mm256_set1_epi32(pair);
      });
    // With k odd, the last pair's A value past the row is a zero, as B's padding is.
    if (whole < g.k) pair_step(whole, [&](int r) { return _mm256_set1_epi32(a[r * g.lda + whole]); });
    const int64_t first = panel * kBPanelWidth, width = std::min(kBPanelWidth, g.n - first);
#pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r) {
      float* c = g.c + (row + r) * g.ldc + first;
      store_first(c, acc[r][0], width);
      store_first(c + kLanes, acc[r][1], width - kLanes);
    }
  }
};

}  // namespace

void packed_bgemm_avx2(const PackedBgemmBlock& g) { for_each_tile<Tile, kMaxRows, 1>(g); }

}  // namespace xenc
