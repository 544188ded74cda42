// Float MatMul and Gemm on parallel_sgemm.
#include <algorithm>
#include <cstring>

#include "ops/fast/fast_kernels.h"
#include "ops/fast/sgemm.h"

namespace xenc {

bool fast_mat_mul(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& a = *in[0];
  const Tensor& b = *in[1];
  Tensor& y = *out[0];
  if (a.dtype() != DType::kFloat) return false;
  if (y.numel() == 0) return true;
  const int64_t m = a.rank() >= 2 ? a.dim(a.rank() - 2) : 1;
  const int64_t k = a.shape().back();
  const int64_t n = b.rank() >= 2 ? b.shape().back() : 1;
  // One product per batch index (a [B, S, H] activation times a weight
  // matrix is B products of S rows, not one of B * S rows: sgemm.h says
  // why). Either operand may be a single matrix shared by every product;
  // other broadcasts of the batch dims are left to the reference.
  const int64_t products = y.numel() / (m * n);
  const int64_t a_matrices = k == 0 ? products : a.numel() / (m * k);
  const int64_t b_matrices = k == 0 ? products : b.numel() / (k * n);
  if ((a_matrices != products && a_matrices != 1) || (b_matrices != products && b_matrices != 1)) return false;
  const int64_t a_step = a_matrices == 1 ? 0 : m * k, b_step = b_matrices == 1 ? 0 : k * n;
  parallel_sgemm(dense_sgemm(false, false, m, n, k, 1.0f, a.data<float>(), b.data<float>(), 0.0f, y.data<float>()),
                 products, [&](int64_t i) { return SgemmOffsets{i * a_step, i * b_step, i * m * n}; });
  return true;
}

bool fast_gemm(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  Tensor& y = *out[0];
  if (y.dtype() != DType::kFloat) return false;
  const bool trans_a = node.attr_int("transA", 0) != 0;
  const bool trans_b = node.attr_int("transB", 0) != 0;
  const Tensor* c = in.size() == 3 ? in[2] : nullptr;
  const int64_t m = y.dim(0), n = y.dim(1);
  const int64_t k = in[0]->dim(trans_a ? 0 : 1);
  const float alpha = node.attr_float("alpha", 1.0f);
  const float beta = c ? node.attr_float("beta", 1.0f) : 0.0f;
  float* py = y.data<float>();
  if (beta != 0.0f) {
    // Y starts as C broadcast to [M, N]: C is [], [1 or N] or [1 or M, 1 or N].
    const Tensor& bias = *c;
    const float* pc = bias.data<float>();
    const int64_t c_rows = bias.rank() == 2 ? bias.dim(0) : 1;
    const int64_t c_columns = bias.rank() >= 1 ? bias.shape().back() : 1;
    for (int64_t i = 0; i < m; ++i) {
      const float* src = pc + (c_rows == 1 ? 0 : i * c_columns);
      float* row = py + i * n;
      if (c_columns == n) {
        std::memcpy(row, src, static_cast<size_t>(n) * sizeof(float));
      } else {
        std::fill(row, row + n, src[0]);
      }
    }
  }
  parallel_sgemm(
      dense_sgemm(trans_a, trans_b, m, n, k, alpha, in[0]->data<float>(), in[1]->data<float>(), beta, py));
  return true;
}

}  // namespace xenc
