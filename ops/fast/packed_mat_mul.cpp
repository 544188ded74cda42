// PackedMatMul on the packed GEMM kernels (ops/x86/packed_sgemm.h), split
// into oneTBB tasks by ops/fast/packed_product_split.h.
#include <algorithm>

#include "ops/fast/fast_kernels.h"
#include "ops/fast/packed_product_split.h"
#include "ops/x86/f32_row_kernels.h"
#include "ops/x86/packed_sgemm.h"

namespace xenc {

bool fast_packed_mat_mul(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& a = *in[0];
  Tensor& y = *out[0];
  const int64_t k = a.shape().back(), n = y.shape().back();
  const float* bias = in.size() == 3 && in[2] ? in[2]->data<float>() : nullptr;
  const bool gelu = node.attr_string("activation", "") == "gelu";
  if ((bias && !gelu) || k == 0) return false;  // cases the fused models never have
  if (y.numel() == 0) return true;
  const int64_t m = y.numel() / n;
  const PackedSgemmBlock whole{a.data<float>(), k, in[1]->data<float>(), k, n, y.data<float>(), n, m, 0, in[1]->dim(0)};
  const PackedSgemmFn kernel = packed_sgemm_kernel();
  for_each_packed_product_task(m, whole.panels, k * int64_t{sizeof(float)}, m * n * k, [&](const PackedProductTask& task) {
    PackedSgemmBlock block = whole;
    block.a += task.first_row * k;
    block.c += task.first_row * n;
    block.rows = task.rows;
    block.first_panel = task.first_panel;
    block.panels = task.panels;
    kernel(block);
    if (!gelu) return;
    // The block's GELU while it is still in cache.
    const auto gelu_row = f32_row_kernels().gelu;
    const int64_t first = block.first_panel * kPackedPanelWidth;
    const int64_t width = std::min(n, (block.first_panel + block.panels) * kPackedPanelWidth) - first;
    for (int64_t r = 0; r < block.rows; ++r) {
      float* row = block.c + r * n + first;
      gelu_row(row, bias ? bias + first : nullptr, row, static_cast<size_t>(width));
    }
  });
  return true;
}

}  // namespace xenc
