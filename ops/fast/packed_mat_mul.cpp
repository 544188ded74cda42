// PackedMatMul on the packed GEMM kernels (ops/x86/packed_sgemm.h for
// float panels, packed_bgemm.h for bf16 ones), split into oneTBB tasks by
// ops/fast/packed_product_split.h.
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <vector>

#include "ops/fast/fast_kernels.h"
#include "ops/fast/packed_product_split.h"
#include "ops/x86/f32_row_kernels.h"
#include "ops/x86/packed_bgemm.h"
#include "ops/x86/packed_sgemm.h"

namespace xenc {
namespace {

// The product of A's rows (as the kernel reads them: floats, or bf16 for
// bf16 panels) and the packed panels, cut into tasks, with each block's
// GELU applied while it is still in cache.
template <class Block, class Kernel>
void run_tasks(const Block& whole, Kernel kernel, int64_t a_bytes, const float* bias, bool gelu) {
  const int64_t k = whole.k, n = whole.n, m = whole.rows;
  for_each_packed_product_task(m, whole.panels, k * a_bytes, m * n * k, [&](const PackedProductTask& task) {
    Block block = whole;
    block.a += task.first_row * whole.lda;
    block.c += task.first_row * n;
    block.rows = task.rows;
    block.first_panel = task.first_panel;
    block.panels = task.panels;
    kernel(block);
    if (!gelu) return;
    const auto gelu_row = f32_row_kernels().gelu;
    const int64_t first = block.first_panel * kPackedPanelWidth;
    const int64_t width = std::min(n, (block.first_panel + block.panels) * kPackedPanelWidth) - first;
    for (int64_t r = 0; r < block.rows; ++r) {
      float* row = block.c + r * n + first;
      gelu_row(row, bias ? bias + first : nullptr, row, static_cast<size_t>(width));
    }
  });
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
  const int64_t m = y.numel() / n, panels = in[1]->dim(0);
  if (in[1]->dtype() == DType::kFloat) {
    const PackedSgemmBlock whole{a.data<float>(), k, in[1]->data<float>(), k, n, y.data<float>(), n, m, 0, panels};
    run_tasks(whole, packed_sgemm_kernel(), sizeof(float), bias, gelu);
    return true;
  }
  // bf16 panels: A rounded to bf16 first, into a buffer the calling thread
  // keeps for its next products. Isolated: while it waits for its tasks,
  // the calling thread takes no other task, which could be another product
  // reusing this buffer.
  thread_local std::vector<uint16_t> calling_thread_a;
  std::vector<uint16_t>& a_bf16 = calling_thread_a;
  tbb::this_task_arena::isolate([&] {
    a_bf16.resize(static_cast<size_t>(m * k));
    parallel_chunks(m, k, [&](int64_t begin, int64_t end) {
      convert_to_bf16(a.data<float>() + begin * k, a_bf16.data() + begin * k, static_cast<size_t>((end - begin) * k));
    });
    const auto* packed = reinterpret_cast<const uint16_t*>(in[1]->data<BFloat16>());
    const PackedBgemmBlock whole{a_bf16.data(), k, packed, k, n, y.data<float>(), n, m, 0, panels};
    run_tasks(whole, packed_bgemm_kernel(), sizeof(uint16_t), bias, gelu);
  });
  return true;
}

}  // namespace xenc
