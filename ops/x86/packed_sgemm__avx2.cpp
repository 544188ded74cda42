// The packed float GEMM for AVX2 + FMA: tiles of up to 6 rows by one panel
// (16 columns, two ymm registers), 12 accumulators, A's elements broadcast
// from memory. Compiled with -mavx2 -mfma (CMakeLists.txt).
#include <immintrin.h>

#include <algorithm>

#include "ops/x86/packed_sgemm.h"

namespace xenc {
namespace {

constexpr int64_t kMaxRows = 6;
constexpr int64_t kLanes = 8;

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
  static void run(const PackedSgemmBlock& g, int64_t row, int64_t panel) {
    const int64_t k = g.k;
    const float* a = g.a + row * g.lda;
    const float* b = g.packed + panel * k * kPackedPanelWidth;
    __m256 acc[kRows][2];
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (int64_t p = 0; p < k; ++p) {
      const __m256 w0 = _mm256_loadu_ps(b + p * kPackedPanelWidth);
      const __m256 w1 = _mm256_loadu_ps(b + p * kPackedPanelWidth + kLanes);
#pragma GCC unroll 8
      for (int r = 0; r < kRows; ++r) {
        const __m256 x = _mm256_broadcast_ss(a + r * g.lda + p);
        acc[r][0] = _mm256_fmadd_ps(x, w0, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(x, w1, acc[r][1]);
      }
    }
    const int64_t first = panel * kPackedPanelWidth, width = std::min(kPackedPanelWidth, g.n - first);
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) {
      float* c = g.c + (row + r) * g.ldc + first;
      store_first(c, acc[r][0], width);
      store_first(c + kLanes, acc[r][1], width - kLanes);
    }
  }
};

}  // namespace

void packed_sgemm_avx2(const PackedSgemmBlock& g) { for_each_tile<Tile, kMaxRows, 1>(g); }

}  // namespace xenc
