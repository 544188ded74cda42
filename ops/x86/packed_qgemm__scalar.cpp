// The packed int8 GEMM in portable C++: one row by one panel at a time.
#include <algorithm>

#include "ops/x86/packed_qgemm.h"

namespace xenc {

void packed_qgemm_scalar(const PackedQgemmBlock& g) {
  const int64_t depth = qgemm_padded_depth(g.k);
  for (int64_t panel = g.first_panel; panel < g.first_panel + g.panels; ++panel) {
    const int8_t* b = g.packed + panel * depth * kQPanelWidth;
    const int64_t first = panel * kQPanelWidth, width = std::min(kQPanelWidth, g.n - first);
    for (int64_t row = 0; row < g.rows; ++row) {
      const uint8_t* a = g.a + row * g.lda;
      int32_t acc[kQPanelWidth] = {};
      for (int64_t p = 0; p < g.k; ++p) {
        const int8_t* group = b + (p / kQDepthGroup) * kQDepthGroup * kQPanelWidth + p % kQDepthGroup;
        for (int64_t j = 0; j < kQPanelWidth; ++j) acc[j] += int32_t{a[p]} * int32_t{group[j * kQDepthGroup]};
      }
      std::copy_n(acc, width, g.c + row * g.ldc + first);
    }
  }
}

}  // namespace xenc
