// The matrix products of the backward rules: float on the parallel OpenBLAS
// path the forward MatMul uses, double (the finite-difference tests) on the
// reference product.
#pragma once

#include <cstdint>
#include <type_traits>

#include "ops/common/gemm.h"
#include "ops/fast/sgemm.h"

namespace xenc {

// `count` products C_i (+)= op(A_i) op(B_i) of one shape, operand i at
// a + i * stride_a etc. (a stride of 0 reuses one operand). C is added to
// when `accumulate`, else overwritten.
template <class T>
void batched_product(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t stride_a,
                     const T* b, int64_t stride_b, T* c, int64_t stride_c, int64_t count, bool accumulate) {
  if (count == 0 || m == 0 || n == 0) return;
  const T beta = accumulate ? T(1) : T(0);
  if constexpr (std::is_same_v<T, float>) {
    const SgemmArgs args = dense_sgemm(trans_a, trans_b, m, n, k, 1.0f, a, b, beta, c);
    parallel_sgemm(args, count, [&](int64_t i) { return SgemmOffsets{i * stride_a, i * stride_b, i * stride_c}; });
  } else {
    for (int64_t i = 0; i < count; ++i)
      gemm<T>(trans_a, trans_b, m, n, k, T(1), a + i * stride_a, b + i * stride_b, beta, c + i * stride_c);
  }
}

template <class T>
void product(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c,
             bool accumulate) {
  batched_product(trans_a, trans_b, m, n, k, a, 0, b, 0, c, 0, 1, accumulate);
}

}  // namespace xenc
