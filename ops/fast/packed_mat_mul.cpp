// PackedMatMul on the packed GEMM kernels (ops/x86/packed_sgemm.h), split
// into oneTBB tasks by blocks of rows and groups of panels. The split only
// balances the work: packed_sgemm.h's kernels give the same bits however
// a product is cut.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>

#include "ops/fast/fast_kernels.h"
#include "ops/fast/parallel.h"
#include "ops/x86/f32_row_kernels.h"
#include "ops/x86/packed_sgemm.h"

namespace xenc {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// A block of rows whose slice of A stays in L2 while each panel of the
// task passes over it; a multiple of every kernel's tile height (12 and 6).
int64_t rows_per_block(int64_t k) {
  constexpr int64_t kBlockBytes = 384 * 1024, kTileRows = 12;
  return std::max(kTileRows, kBlockBytes / (k * int64_t{sizeof(float)}) / kTileRows * kTileRows);
}

}  // namespace

bool fast_packed_mat_mul(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& a = *in[0];
  Tensor& y = *out[0];
  const int64_t k = a.shape().back(), n = y.shape().back();
  const float* bias = in.size() == 3 && in[2] ? in[2]->data<float>() : nullptr;
  const bool gelu = node.attr_string("activation", "") == "gelu";
  if ((bias && !gelu) || k == 0) return false;  // cases the fused models never have
  if (y.numel() == 0) return true;
  float* c = y.data<float>();
  const int64_t m = y.numel() / n, panels = in[1]->dim(0);
  PackedSgemmBlock whole{a.data<float>(), k, in[1]->data<float>(), k, n, c, n, m, 0, panels};
  const PackedSgemmFn kernel = packed_sgemm_kernel();
  // A block, then its GELU while the block is still in cache.
  const auto compute = [&](const PackedSgemmBlock& block) {
    kernel(block);
    if (!gelu) return;
    const auto gelu_row = f32_row_kernels().gelu;
    const int64_t first = block.first_panel * kPackedPanelWidth;
    const int64_t width = std::min(n, (block.first_panel + block.panels) * kPackedPanelWidth) - first;
    for (int64_t r = 0; r < block.rows; ++r) {
      float* row = block.c + r * n + first;
      gelu_row(row, bias ? bias + first : nullptr, row, static_cast<size_t>(width));
    }
  };
  if (m * n * k <= kMinTaskWork * 32) {  // a few tens of microseconds: not worth waking other threads
    compute(whole);
    return true;
  }
  // Several tasks per thread, so uneven blocks still balance; panels go in
  // pairs, the widest tile of the AVX-512 kernel.
  const int64_t row_block = rows_per_block(k), row_blocks = ceil_div(m, row_block);
  const int64_t wanted = 4 * tbb::this_task_arena::max_concurrency();
  const int64_t groups = std::clamp<int64_t>(ceil_div(wanted, row_blocks), 1, ceil_div(panels, 2));
  const int64_t group = ceil_div(ceil_div(panels, groups), 2) * 2;
  const int64_t panel_groups = ceil_div(panels, group);
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, row_blocks * panel_groups, 1),
                    [&](const tbb::blocked_range<int64_t>& tasks) {
                      for (int64_t task = tasks.begin(); task < tasks.end(); ++task) {
                        const int64_t first_row = task / panel_groups * row_block;
                        PackedSgemmBlock block = whole;
                        block.a += first_row * k;
                        block.c += first_row * n;
                        block.rows = std::min(row_block, m - first_row);
                        block.first_panel = task % panel_groups * group;
                        block.panels = std::min(group, panels - block.first_panel);
                        compute(block);
                      }
                    });
  return true;
}

}  // namespace xenc
