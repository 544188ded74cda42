// The packed float GEMM in portable C++: one row by one panel at a time.
#include <algorithm>

#include "ops/x86/packed_sgemm.h"

namespace xenc {

void packed_sgemm_scalar(const PackedSgemmBlock& g) {
  for (int64_t panel = g.first_panel; panel < g.first_panel + g.panels; ++panel) {
    const float* b = g.packed + panel * g.k * kPackedPanelWidth;
    const int64_t first = panel * kPackedPanelWidth, width = std::min(kPackedPanelWidth, g.n - first);
    for (int64_t row = 0; row < g.rows; ++row) {
      const float* a = g.a + row * g.lda;
      float acc[kPackedPanelWidth] = {};
      for (int64_t p = 0; p < g.k; ++p)
        for (int64_t j = 0; j < kPackedPanelWidth; ++j) acc[j] += a[p] * b[p * kPackedPanelWidth + j];
      std::copy_n(acc, width, g.c + row * g.ldc + first);
    }
  }
}

}  // namespace xenc
