#include "ops/x86/packed_bgemm.h"

#include <cassert>

#include "graph/dtype.h"

namespace xenc {

int64_t bgemm_padded_depth(int64_t k) { return (k + kBDepthPair - 1) / kBDepthPair * kBDepthPair; }

int64_t bgemm_panel_count(int64_t n) { return (n + kBPanelWidth - 1) / kBPanelWidth; }

int64_t bgemm_packed_elements(int64_t k, int64_t n) {
  return bgemm_panel_count(n) * bgemm_padded_depth(k) * kBPanelWidth;
}

void pack_bgemm_weights(const float* b, int64_t k, int64_t n, uint16_t* packed) {
  const int64_t depth = bgemm_padded_depth(k);
  for (int64_t panel = 0; panel < bgemm_panel_count(n); ++panel)
    for (int64_t pair = 0; pair < depth / kBDepthPair; ++pair)
      for (int64_t column = 0; column < kBPanelWidth; ++column)
        for (int64_t i = 0; i < kBDepthPair; ++i) {
          const int64_t row = pair * kBDepthPair + i, col = panel * kBPanelWidth + column;
          *packed++ = row < k && col < n ? to_bfloat16(b[row * n + col]).bits : uint16_t{0};
        }
}

bool bgemm_path_supported(BgemmPath path) {
  switch (path) {
    case BgemmPath::avx512_bf16: return isa_supported(Isa::avx512) && cpu_features().avx512_bf16;
    case BgemmPath::avx512: return isa_supported(Isa::avx512);
    case BgemmPath::avx2: return isa_supported(Isa::avx2);
    case BgemmPath::scalar: break;
  }
  return true;
}

const char* bgemm_path_name(BgemmPath path) {
  switch (path) {
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
    case BgemmPath::avx512_bf16: return packed_bgemm_avx512_bf16;
    case BgemmPath::avx512: return packed_bgemm_avx512;
    case BgemmPath::avx2: return packed_bgemm_avx2;
    case BgemmPath::scalar: break;
  }
  return packed_bgemm_scalar;
}

Bf16ConvertFn bf16_converter(BgemmPath path) {
  assert(bgemm_path_supported(path));
  return path == BgemmPath::avx512_bf16 ? convert_to_bf16_avx512_bf16 : convert_to_bf16_scalar;
}

BgemmPath selected_bgemm_path() {
  const Isa isa = selected_isa();
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
