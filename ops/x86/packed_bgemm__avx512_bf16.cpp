// The packed bf16 GEMM for AVX-512 BF16: tiles of up to 12 rows by two
// panels (32 columns), 24 float accumulators; vdpbf16ps multiplies a pair of
// A's values (broadcast) by each column's pair and adds both products. And
// the rounding to bf16 by vcvtne2ps2bf16. Compiled with -mavx512f
// -mavx512dq -mavx512bw -mavx512vl -mavx512bf16 -mavx2 -mfma (CMakeLists.txt).
#include "ops/x86/avx512_intrinsics.h"

#include <algorithm>

#include "ops/x86/packed_bgemm.h"

namespace xenc {
namespace {

constexpr int64_t kMaxRows = 12;

// 32 bf16 values as the bf16 vector type (a vector cast, no instruction).
__m512bh as_bf16(__m512i v) { return (__m512bh)v; }

template <int kRows, int kPanels>
struct DotTile {
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
      __m512bh w[kPanels];
#pragma GCC unroll 2
      for (int q = 0; q < kPanels; ++q) w[q] = as_bf16(_mm512_loadu_si512(b + q * panel_stride + p * kBPanelWidth));
#pragma GCC unroll 16
      for (int r = 0; r < kRows; ++r) {
        const __m512bh x = as_bf16(pair_of_row(r));
#pragma GCC unroll 2
        for (int q = 0; q < kPanels; ++q) acc[r][q] = _mm512_dpbf16_ps(acc[r][q], x, w[q]);
      }
    };
    const int64_t whole = g.k / kBDepthPair * kBDepthPair;
    for (int64_t p = 0; p < whole; p += kBDepthPair)
      pair_step(p, [&](int r) { return _mm512_broadcastd_epi32(_mm_loadu_si32(a + r * g.lda + p)); });
    // With k odd, the last pair's A value past the row is a zero, as B's
    // padding is: memory there may hold a NaN (NaN x 0 is NaN) or not exist.
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

void packed_bgemm_avx512_bf16(const PackedBgemmBlock& g) { for_each_tile<DotTile, kMaxRows, 2>(g); }

void convert_to_bf16_avx512_bf16(const float* src, uint16_t* dst, size_t count) {
  constexpr size_t kBlock = 32;
  constexpr int kDenormal = 0x20;  // vfpclassps category
  size_t i = 0;
  for (; i + kBlock <= count; i += kBlock) {
    const __m512 low = _mm512_loadu_ps(src + i), high = _mm512_loadu_ps(src + i + kBlock / 2);
    // vcvtne2ps2bf16 reads denormals as zero; the rare block holding one is
    // rounded by the portable code, which keeps them.
    if (_mm512_fpclass_ps_mask(low, kDenormal) | _mm512_fpclass_ps_mask(high, kDenormal)) {
      convert_to_bf16_scalar(src + i, dst + i, kBlock);
    } else {
      _mm512_storeu_si512(dst + i, (__m512i)_mm512_cvtne2ps_pbh(high, low));
    }
  }
  convert_to_bf16_scalar(src + i, dst + i, count - i);
}

}  // namespace xenc
