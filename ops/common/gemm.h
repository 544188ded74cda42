// The one matrix product behind MatMul and Gemm: row-major
// C = alpha * op(A) * op(B) + beta * C, float and double through BLAS,
// integer types through a plain triple loop.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "graph/dtype.h"
#include "graph/error.h"
#include "ops/common/dispatch.h"

namespace xenc {

// The dtypes MatMul and Gemm compute: float, double, int32, int64, uint32, uint64.
extern const std::initializer_list<DType> kGemmTypes;

template <class F>
void dispatch_gemm(DType t, F&& f) {
  switch (t) {
    case DType::kFloat: return f(TypeTag<float>{});
    case DType::kDouble: return f(TypeTag<double>{});
    case DType::kInt32: return f(TypeTag<int32_t>{});
    case DType::kInt64: return f(TypeTag<int64_t>{});
    case DType::kUint32: return f(TypeTag<uint32_t>{});
    case DType::kUint64: return f(TypeTag<uint64_t>{});
    default: throw Error("unsupported dtype " + dtype_name(t) + " for a matrix product");
  }
}

// A is M x K (stored K x M when trans_a), B is K x N (stored N x K when
// trans_b), C is M x N, all contiguous. As in BLAS, C is not read when
// beta is 0, so it may hold anything on entry. Integer products wrap
// around like numpy's. Instantiated for the kGemmTypes.
template <class T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, const T* b, T beta,
          T* c);

}  // namespace xenc
