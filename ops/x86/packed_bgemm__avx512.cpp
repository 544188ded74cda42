// The packed bf16 GEMM for AVX-512 without BF16: tiles of up to 12 rows by
// two panels (32 columns), 24 float accumulators. A 32-bit lane holds a
// pair, even value in the low half, so widening to float is a shift left
// by 16 (even) or clearing the low half (odd), for A's broadcast pair and
// for B's 16 columns alike; each pair is two FMAs, odd value first (the
// order of packed_bgemm.h). Compiled with -mavx512f -mavx512dq -mavx512bw
// -mavx512vl -mavx2 -mfma (CMakeLists.txt).
#include "ops/x86/avx512_intrinsics.h"

#include <algorithm>

#include "ops/x86/packed_bgemm.h"

namespace xenc {
namespace {

constexpr int64_t kMaxRows = 12;

__m512 even_values(__m512i pairs) { return _mm512_castsi512_ps(_mm512_slli_epi32(pairs, 16)); }
__m512 odd_values(__m512i pairs) {
  return _mm512_castsi512_ps(_mm512_and_si512(pairs, _mm512_set1_epi32(static_cast<int>(0xffff0000u))));
}

template <int kRows, int kPanels>
struct WideningTile {
  static void run(const PackedBgemmBlock& g, int64_t row, int64_t panel) {
    const int64_t panel_stride = bgemm_padded_depth(g.k) * kBPanelWidth;
    const uint16_t* a = g.a + row * g.lda;
    const uint16_t* b = g.packed + panel * panel_stride;
    __m512 acc[kRows][kPanels];
#pragma GCC unroll 16
    for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 2
      for (int q = 0; q < kPanels; ++q) acc[r][q] = _mm512_setzero_ps();
    const auto pair_step = [&](int64_t p, auto pair_of_row) {
      __m512 w_even[kPanels], w_odd[kPanels];
#pragma GCC unroll 2
      for (int q = 0; q < kPanels; ++q) {
        const __m512i w = _mm512_loadu_si512(b + q * panel_stride + p * kBPanelWidth);
        w_even[q] = even_values(w);
        w_odd[q] = odd_values(w);
      }
#pragma GCC unroll 16
      for (int r = 0; r < kRows; ++r) {
        const __m512i x = pair_of_row(r);
        const __m512 x_even = even_values(x), x_odd = odd_values(x);
#pragma GCC unroll 2
        for (int q = 0; q < kPanels; ++q) {
          acc[r][q] = _mm512_fmadd_ps(x_odd, w_odd[q], acc[r][q]);
          acc[r][q] = _mm512_fmadd_ps(x_even, w_even[q], acc[r][q]);
        }
      }
    };
    const int64_t whole = g.k / kBDepthPair * kBDepthPair;
    for (int64_t p = 0; p < whole; p += kBDepthPair)
      pair_step(p, [&](int r) { return _mm512_broadcastd_epi32(_mm_loadu_si32(a + r * g.lda + p)); });
    // With k odd, the last pair's A value past the row is a zero, as B's padding is.
    if (whole < g.k) pair_step(whole, [&](int r) { return _mm512_set1_epi32(a[r * g.lda + whole]); });
#pragma GCC unroll 2
    for (int q = 0; q < kPanels; ++q) {
      const int64_t first = (panel + q) * kBPanelWidth;
      const auto mask = static_cast<__mmask16>((1u << std::min(kBPanelWidth, g.n - first)) - 1u);
#pragma GCC unroll 16
      for (int r = 0; r < kRows; ++r) _mm512_mask_storeu_ps(g.c + (row + r) * g.ldc + first, mask, acc[r][q]);
    }
  }
};

}  // namespace

void packed_bgemm_avx512(const PackedBgemmBlock& g) { for_each_tile<WideningTile, kMaxRows, 2>(g); }

}  // namespace xenc
