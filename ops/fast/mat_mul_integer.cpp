// MatMulInteger on the int8 GEMM kernels (ops/x86/packed_qgemm.h), for the
// products quantized models compute on activations (optimum's quantizer
// writes QK^T and attention x V as MatMulInteger of two dynamically
// quantized tensors): each matrix of the batch has its B packed by the
// task that multiplies it. uint8 B runs as int8 B - 128 with its zero point
// shifted alike. Declines what it was not written for (int8 A, broadcast
// batches, per-row zero points of A), which the reference kernel runs.
#include <vector>

#include "ops/fast/fast_kernels.h"
#include "ops/fast/parallel.h"
#include "ops/x86/packed_qgemm.h"

namespace xenc {
namespace {

// B's zero point for column j, as an int8 - 128 shift when B is uint8.
int32_t b_zero_point(const Tensor* zero_point, bool unsigned_b, int64_t j) {
  const int32_t shift = unsigned_b ? 128 : 0;
  if (!zero_point) return -shift;
  const int64_t index = zero_point->numel() == 1 ? 0 : j;
  return (unsigned_b ? int32_t{zero_point->data<uint8_t>()[index]} : int32_t{zero_point->data<int8_t>()[index]}) -
         shift;
}

}  // namespace

bool fast_mat_mul_integer(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& a = *in[0];
  const Tensor& b = *in[1];
  const Tensor* a_zero = in.size() > 2 ? in[2] : nullptr;
  const Tensor* b_zero = in.size() > 3 ? in[3] : nullptr;
  if (a.dtype() != DType::kUint8 || a.rank() < 2 || b.rank() < 2) return false;
  const int64_t m = a.dim(a.rank() - 2), k = a.dim(a.rank() - 1), n = b.dim(b.rank() - 1);
  if (m == 0 || k == 0 || n == 0 || k > kQgemmMaxDepth) return false;
  const int64_t batches = a.numel() / (m * k), b_batches = b.numel() / (k * n);
  if ((b_batches != 1 && b_batches != batches) || out[0]->numel() != batches * m * n) return false;
  if (a_zero && a_zero->numel() != 1) return false;
  if (b_zero && !(b_zero->numel() == 1 || (b_zero->rank() == 1 && b_zero->numel() == n))) return false;

  const bool unsigned_b = b.dtype() == DType::kUint8;
  const int32_t za = a_zero ? a_zero->data<uint8_t>()[0] : 0;
  std::vector<int32_t> zb(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j) zb[static_cast<size_t>(j)] = b_zero_point(b_zero, unsigned_b, j);
  const PackedQgemmFn kernel = packed_qgemm_kernel();
  const uint8_t* a_values = a.data<uint8_t>();
  const auto* b_bytes = static_cast<const uint8_t*>(b.raw());
  int32_t* y = out[0]->data<int32_t>();
  parallel_chunks(batches, m * n * k, [&](int64_t begin, int64_t end) {
    thread_local std::vector<int8_t> shifted, packed;
    thread_local std::vector<int32_t> column_sums;
    shifted.resize(static_cast<size_t>(k * n));
    packed.resize(static_cast<size_t>(qgemm_packed_bytes(k, n)));
    column_sums.resize(static_cast<size_t>(n));
    for (int64_t batch = begin; batch < end; ++batch) {
      const uint8_t* a_matrix = a_values + batch * m * k;
      int32_t* c = y + batch * m * n;
      if (batch == begin || b_batches != 1) {
        const uint8_t* b_matrix = b_bytes + (b_batches == 1 ? 0 : batch) * k * n;
        for (int64_t i = 0; i < k * n; ++i)
          shifted[static_cast<size_t>(i)] = static_cast<int8_t>(unsigned_b ? b_matrix[i] - 128 : int8_t(b_matrix[i]));
        pack_qgemm_weights(shifted.data(), k, n, packed.data());
        std::fill(column_sums.begin(), column_sums.end(), 0);
        for (int64_t p = 0; p < k; ++p)
          for (int64_t j = 0; j < n; ++j) column_sums[static_cast<size_t>(j)] += shifted[static_cast<size_t>(p * n + j)];
      }
      kernel(PackedQgemmBlock{a_matrix, k, packed.data(), k, n, c, n, m, 0, qgemm_panel_count(n)});
      // (A - za)(B - zb) = AB - za colsum(B) - zb (rowsum(A) - K za), modulo 2^32.
      for (int64_t i = 0; i < m; ++i) {
        uint32_t row_sum = 0;
        for (int64_t p = 0; p < k; ++p) row_sum += a_matrix[i * k + p];
        const uint32_t a_offset = row_sum - static_cast<uint32_t>(k) * static_cast<uint32_t>(za);
        for (int64_t j = 0; j < n; ++j) {
          const uint32_t sum = static_cast<uint32_t>(c[i * n + j]) -
                               static_cast<uint32_t>(za) * static_cast<uint32_t>(column_sums[static_cast<size_t>(j)]) -
                               static_cast<uint32_t>(zb[static_cast<size_t>(j)]) * a_offset;
          c[i * n + j] = static_cast<int32_t>(sum);
        }
      }
    }
  });
  return true;
}

}  // namespace xenc
