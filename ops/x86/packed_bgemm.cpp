#include "ops/x86/packed_bgemm.h"

#include <algorithm>
#include <cassert>
#include <vector>

#include "graph/dtype.h"

namespace xenc {

int64_t bgemm_padded_depth(int64_t k) { return (k + kBDepthBlock - 1) / kBDepthBlock * kBDepthBlock; }

namespace {

// The pairs of a panel past k's (to the whole blocks of bgemm_padded_depth),
// as zeros; returns the next panel's start.
uint16_t* zero_depth_padding(int64_t k, uint16_t* packed) {
  const int64_t pairs_written = (k + kBDepthPair - 1) / kBDepthPair;
  const int64_t padding = (bgemm_padded_depth(k) / kBDepthPair - pairs_written) * kBDepthPair * kBPanelWidth;
  return std::fill_n(packed, padding, uint16_t{0});
}

}  // namespace

int64_t bgemm_panel_count(int64_t n) { return (n + kBPanelWidth - 1) / kBPanelWidth; }

int64_t bgemm_packed_elements(int64_t k, int64_t n) {
  return bgemm_panel_count(n) * bgemm_padded_depth(k) * kBPanelWidth;
}

void pack_bgemm_weights(const float* b, int64_t k, int64_t n, uint16_t* packed) {
  std::vector<uint16_t> rounded(static_cast<size_t>(k * n));
  for (size_t i = 0; i < rounded.size(); ++i) rounded[i] = to_bfloat16(b[i]).bits;
  pack_bgemm_rows(rounded.data(), n, k, n, packed);
}

void pack_bgemm_rows(const uint16_t* b, int64_t ld, int64_t k, int64_t n, uint16_t* packed) {
  for (int64_t panel = 0; panel < bgemm_panel_count(n); ++panel) {
    const int64_t first = panel * kBPanelWidth, width = std::min(kBPanelWidth, n - first);
    for (int64_t row = 0; row < k; row += kBDepthPair) {
      // Rows `row` and `row + 1` interleaved, column by column (a missing
      // second row and the columns past n as zeros).
      const uint16_t* even = b + row * ld + first;
      const uint16_t* odd = row + 1 < k ? even + ld : nullptr;
      for (int64_t j = 0; j < width; ++j) {
        packed[2 * j] = even[j];
        packed[2 * j + 1] = odd ? odd[j] : uint16_t{0};
      }
      std::fill(packed + 2 * width, packed + kBDepthPair * kBPanelWidth, uint16_t{0});
      packed += kBDepthPair * kBPanelWidth;
    }
    packed = zero_depth_padding(k, packed);
  }
}

void pack_bgemm_transposed(const uint16_t* b_t, int64_t ld, int64_t k, int64_t n, uint16_t* packed) {
  for (int64_t panel = 0; panel < bgemm_panel_count(n); ++panel) {
    const int64_t first = panel * kBPanelWidth, width = std::min(kBPanelWidth, n - first);
    for (int64_t row = 0; row < k; row += kBDepthPair) {
      // Each column's pair is two adjacent values of one row of B^T.
      for (int64_t j = 0; j < width; ++j) {
        const uint16_t* pair = b_t + (first + j) * ld + row;
        packed[2 * j] = pair[0];
        packed[2 * j + 1] = row + 1 < k ? pair[1] : uint16_t{0};
      }
      std::fill(packed + 2 * width, packed + kBDepthPair * kBPanelWidth, uint16_t{0});
      packed += kBDepthPair * kBPanelWidth;
    }
    packed = zero_depth_padding(k, packed);
  }
}

bool bgemm_path_supported(BgemmPath path) {
  switch (path) {
    case BgemmPath::amx: return isa_supported(Isa::amx);
    case BgemmPath::avx512_bf16: return isa_supported(Isa::avx512) && cpu_features().avx512_bf16;
    case BgemmPath::avx512: return isa_supported(Isa::avx512);
    case BgemmPath::avx2: return isa_supported(Isa::avx2);
    case BgemmPath::scalar: break;
  }
  return true;
}

const char* bgemm_path_name(BgemmPath path) {
  switch (path) {
    case BgemmPath::amx: return "amx";
    case BgemmPath::avx512_bf16: return "avx512_bf16";
    case BgemmPath::avx512: return "avx512";
    case BgemmPath::avx2: return "avx2";
    case BgemmPath::scalar: break;
  }
  return "scalar";
}

PackedBgemmFn packed_bgemm_kernel(BgemmPath path) {
  assert(bgemm_path_supported(path));
  switch (path) {
    case BgemmPath::amx: return packed_bgemm_amx;
    case BgemmPath::avx512_bf16: return packed_bgemm_avx512_bf16;
    case BgemmPath::avx512: return packed_bgemm_avx512;
    case BgemmPath::avx2: return packed_bgemm_avx2;
    case BgemmPath::scalar: break;
  }
  return packed_bgemm_scalar;
}

Bf16ConvertFn bf16_converter(BgemmPath path) {
  assert(bgemm_path_supported(path));
  const bool native = path == BgemmPath::avx512_bf16 || path == BgemmPath::amx;
  return native ? convert_to_bf16_avx512_bf16 : convert_to_bf16_scalar;
}

BgemmPath selected_bgemm_path() {
  const Isa isa = selected_isa();
  if (isa == Isa::amx) return BgemmPath::amx;
  if (isa == Isa::avx512) return cpu_features().avx512_bf16 ? BgemmPath::avx512_bf16 : BgemmPath::avx512;
  return isa == Isa::avx2 ? BgemmPath::avx2 : BgemmPath::scalar;
}

PackedBgemmFn packed_bgemm_kernel() {
  static const PackedBgemmFn selected = packed_bgemm_kernel(selected_bgemm_path());
  return selected;
}

void convert_to_bf16(const float* src, uint16_t* dst, size_t count) {
  static const Bf16ConvertFn selected = bf16_converter(selected_bgemm_path());
  selected(src, dst, count);
}

}  // namespace xenc
