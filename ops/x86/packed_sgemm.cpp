#include "ops/x86/packed_sgemm.h"

#include <algorithm>
#include <cassert>

namespace xenc {

int64_t packed_panel_count(int64_t n) { return (n + kPackedPanelWidth - 1) / kPackedPanelWidth; }

void pack_sgemm_weights(const float* b, int64_t k, int64_t n, float* packed) {
  pack_sgemm_panels(b, n, 1, k, n, packed);
}

void pack_sgemm_panels(const float* b, int64_t row_stride, int64_t column_stride, int64_t k, int64_t n,
                       float* packed) {
  for (int64_t panel = 0; panel < packed_panel_count(n); ++panel) {
    const int64_t first = panel * kPackedPanelWidth, width = std::min(kPackedPanelWidth, n - first);
    for (int64_t row = 0; row < k; ++row) {
      float* out = packed + (panel * k + row) * kPackedPanelWidth;
      const float* in = b + row * row_stride + first * column_stride;
      if (column_stride == 1) {
        std::copy_n(in, width, out);
      } else {
        for (int64_t j = 0; j < width; ++j) out[j] = in[j * column_stride];
      }
      std::fill(out + width, out + kPackedPanelWidth, 0.0f);
    }
  }
}

PackedSgemmFn packed_sgemm_kernel(Isa isa) {
  assert(isa_supported(isa));
  switch (isa) {
    case Isa::amx:  // float kernels: AMX adds none
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
