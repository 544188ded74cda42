// The packed float GEMM for AVX-512: tiles of up to 12 rows by two panels
// (32 columns), 24 accumulators in zmm registers, A's elements broadcast
// from memory. Compiled with -mavx512f -mavx512dq -mavx512bw -mavx512vl
// -mavx2 -mfma (CMakeLists.txt).
#include "ops/x86/avx512_intrinsics.h"

#include <algorithm>

#include "ops/x86/packed_sgemm.h"

namespace xenc {
namespace {

constexpr int64_t kMaxRows = 12;

template <int kRows, int kPanels>
struct Tile {
  static void run(const PackedSgemmBlock& g, int64_t row, int64_t panel) {
    const int64_t k = g.k, panel_stride = k * kPackedPanelWidth;
    const float* a = g.a + row * g.lda;
    const float* b = g.packed + panel * panel_stride;
    __m512 acc[kRows][kPanels];
#pragma GCC unroll 16
    for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 2
      for (int q = 0; q < kPanels; ++q) acc[r][q] = _mm512_setzero_ps();
    for (int64_t p = 0; p < k; ++p) {
      __m512 w[kPanels];
#pragma GCC unroll 2
      for (int q = 0; q < kPanels; ++q) w[q] = _mm512_loadu_ps(b + q * panel_stride + p * kPackedPanelWidth);
#pragma GCC unroll 16
      for (int r = 0; r < kRows; ++r) {
        const __m512 x = _mm512_set1_ps(a[r * g.lda + p]);
#pragma GCC unroll 2
        for (int q = 0; q < kPanels; ++q) acc[r][q] = _mm512_fmadd_ps(x, w[q], acc[r][q]);
      }
    }
#pragma GCC unroll 2
    for (int q = 0; q < kPanels; ++q) {
      const int64_t first = (panel + q) * kPackedPanelWidth;
      const auto mask = static_cast<__mmask16>((1u << std::min(kPackedPanelWidth, g.n - first)) - 1u);
#pragma GCC unroll 16
      for (int r = 0; r < kRows; ++r) _mm512_mask_storeu_ps(g.c + (row + r) * g.ldc + first, mask, acc[r][q]);
    }
  }
};

}  // namespace

void packed_sgemm_avx512(const PackedSgemmBlock& g) { for_each_tile<Tile, kMaxRows, 2>(g); }

}  // namespace xenc
