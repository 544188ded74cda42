#include "ops/x86/packed_sgemm.h"

#include <algorithm>
#include <cassert>

namespace xenc {

int64_t packed_panel_count(int64_t n) { return (n + kPackedPanelWidth - 1) / kPackedPanelWidth; }

void pack_sgemm_weights(const float* b, int64_t k, int64_t n, float* packed) {
  for (int64_t panel = 0; panel < packed_panel_count(n); ++panel) {
    const int64_t first = panel * kPackedPanelWidth, width = std::min(kPackedPanelWidth, n - first);
    for (int64_t row = 0; row < k; ++row) {
      float* out = packed + (panel * k + row) * kPackedPanelWidth;
      std::copy_n(b + row * n + first, width, out);
      std::fill(out + width, out + kPackedPanelWidth, 0.0f);
    }
  }
}

PackedSgemmFn packed_sgemm_kernel(Isa isa) {
  assert(isa_supported(isa));
  switch (isa) {
    case Isa::avx512: return packed_sgemm_avx512;
    case Isa::avx2: return packed_sgemm_avx2;
    case Isa::scalar: break;
  }
  return packed_sgemm_scalar;
}

PackedSgemmFn packed_sgemm_kernel() {
  static const PackedSgemmFn selected = packed_sgemm_kernel(selected_isa());
  return selected;
}

}  // namespace xenc
