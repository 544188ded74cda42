// The packed int8 GEMM for AVX-512 VNNI: tiles of up to 12 rows by two
// panels (32 columns), 24 int32 accumulators; vpdpbusd multiplies four
// uint8 values of A (broadcast) by four int8 values of each column at once.
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni (CMakeLists.txt).
#include "ops/x86/avx512_intrinsics.h"

#include <algorithm>

#include "ops/x86/packed_qgemm.h"
#include "ops/x86/packed_qgemm_quads.h"

namespace xenc {
namespace {

constexpr int64_t kMaxRows = 12;

// acc += the dot products of x's and w's groups of four bytes (vpdpbusd).
// As inline assembly because GCC 12 compiles _mm512_dpbusd_epi32 with a
// copy of the accumulator per call and then keeps a 12 x 2 tile's
// accumulators on the stack, at half the instruction's throughput.
inline void dot_accumulate(__m512i& acc, __m512i x, __m512i w) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
}
constexpr int64_t kGroupBytes = kQDepthGroup * kQPanelWidth;

template <int kRows, int kPanels>
struct Tile {
  static void run(const PackedQgemmBlock& g, int64_t row, int64_t panel) {
    const int64_t panel_stride = qgemm_padded_depth(g.k) * kQPanelWidth;
    const uint8_t* a = g.a + row * g.lda;
    const int8_t* b = g.packed + panel * panel_stride;
    // The short last group of each row, read before the accumulators are
    // live: a call (a_quad's memcpy) among them made GCC keep them all in
    // memory, a load and a store per vpdpbusd.
    int32_t tail[kRows] = {};
    if (g.k % kQDepthGroup)
      for (int r = 0; r < kRows; ++r) tail[r] = a_quad(a + r * g.lda, g.k / kQDepthGroup * kQDepthGroup, g.k);
    __m512i acc[kRows][kPanels];
#pragma GCC unroll 16
    for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 2
      for (int q = 0; q < kPanels; ++q) acc[r][q] = _mm512_setzero_si512();
    const int64_t whole = g.k / kQDepthGroup * kQDepthGroup;
    for (int64_t p = 0; p < whole; p += kQDepthGroup) {
      __m512i w[kPanels];
#pragma GCC unroll 2
      for (int q = 0; q < kPanels; ++q) w[q] = _mm512_loadu_si512(b + q * panel_stride + p * kQPanelWidth);
#pragma GCC unroll 16
      for (int r = 0; r < kRows; ++r) {
        // A broadcast straight from memory (a load, where a broadcast from
        // a general register would also take a shuffle).
        const __m512i x = _mm512_broadcastd_epi32(_mm_loadu_si32(a + r * g.lda + p));
#pragma GCC unroll 2
        for (int q = 0; q < kPanels; ++q) dot_accumulate(acc[r][q], x, w[q]);
      }
    }
    if (whole < g.k) {  // the short last group
      __m512i w[kPanels];
#pragma GCC unroll 2
      for (int q = 0; q < kPanels; ++q) w[q] = _mm512_loadu_si512(b + q * panel_stride + whole * kQPanelWidth);
#pragma GCC unroll 16
      for (int r = 0; r < kRows; ++r) {
        const __m512i x = _mm512_set1_epi32(tail[r]);
#pragma GCC unroll 2
        for (int q = 0; q < kPanels; ++q) dot_accumulate(acc[r][q], x, w[q]);
      }
    }
#pragma GCC unroll 2
    for (int q = 0; q < kPanels; ++q) {
      const int64_t first = (panel + q) * kQPanelWidth;
      const auto mask = static_cast<__mmask16>((1u << std::min(kQPanelWidth, g.n - first)) - 1u);
#pragma GCC unroll 16
      for (int r = 0; r < kRows; ++r) _mm512_mask_storeu_epi32(g.c + (row + r) * g.ldc + first, mask, acc[r][q]);
    }
  }
};

static_assert(kGroupBytes == 64, "a depth group of a panel is one zmm register");

}  // namespace

void packed_qgemm_avx512_vnni(const PackedQgemmBlock& g) { for_each_tile<Tile, kMaxRows, 2>(g); }

}  // namespace xenc
