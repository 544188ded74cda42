// The packed bf16 GEMM and the rounding to bf16 in portable C++; the GEMM
// one row by one panel at a time.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "ops/x86/packed_bgemm.h"

namespace xenc {
namespace {

float widen(uint16_t bf16) { return std::bit_cast<float>(uint32_t{bf16} << 16); }

// The bits of to_bfloat16 (graph/dtype.h) without branches, so that loops
// of it vectorise: add just under half of the dropped 16 bits' unit, plus
// one when the kept part is odd (ties go to even); NaN keeps its top bits,
// quieted (rounding would make a NaN whose payload lies in the dropped bits
// infinity).
uint16_t round_to_bf16(uint32_t x) {
  const uint32_t rounded = (x + 0x7fffu + ((x >> 16) & 1u)) >> 16;
  const uint32_t quiet_nan = (x >> 16) | 0x40u;
  return static_cast<uint16_t>((x & 0x7fffffffu) > 0x7f800000u ? quiet_nan : rounded);
}

}  // namespace

void packed_bgemm_scalar(const PackedBgemmBlock& g) {
  const int64_t depth = bgemm_padded_depth(g.k);
  for (int64_t panel = g.first_panel; panel < g.first_panel + g.panels; ++panel) {
    const uint16_t* b = g.packed + panel * depth * kBPanelWidth;
    const int64_t first = panel * kBPanelWidth, width = std::min(kBPanelWidth, g.n - first);
    for (int64_t row = 0; row < g.rows; ++row) {
      const uint16_t* a = g.a + row * g.lda;
      float acc[kBPanelWidth] = {};
      for (int64_t p = 0; p < g.k; p += kBDepthPair) {
        // With k odd, A's value past the row is a zero, as B's padding is.
        const float a_even = widen(a[p]), a_odd = p + 1 < g.k ? widen(a[p + 1]) : 0.0f;
        const uint16_t* pair = b + p * kBPanelWidth;
        for (int64_t j = 0; j < kBPanelWidth; ++j) {
          acc[j] = std::fma(a_odd, widen(pair[j * kBDepthPair + 1]), acc[j]);
          acc[j] = std::fma(a_even, widen(pair[j * kBDepthPair]), acc[j]);
        }
      }
      std::copy_n(acc, width, g.c + row * g.ldc + first);
    }
  }
}

void convert_to_bf16_scalar(const float* src, uint16_t* dst, size_t count) {
  // Whole blocks of 16: GCC's -O2 vectoriser only takes loops that need no
  // remainder loop.
  constexpr size_t kBlock = 16;
  size_t i = 0;
  for (; i + kBlock <= count; i += kBlock) {
    uint32_t x[kBlock];
    std::memcpy(x, src + i, sizeof x);
    for (size_t j = 0; j < kBlock; ++j) dst[i + j] = round_to_bf16(x[j]);
  }
  for (; i < count; ++i) {
    uint32_t x;
    std::memcpy(&x, src + i, sizeof x);
    dst[i] = round_to_bf16(x);
  }
}

}  // namespace xenc
