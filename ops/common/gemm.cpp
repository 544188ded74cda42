#include "ops/common/gemm.h"

#include <cblas.h>

#include <limits>
#include <string>
#include <type_traits>

#include "graph/error.h"

namespace xenc {

const std::initializer_list<DType> kGemmTypes = {DType::kFloat, DType::kDouble, DType::kInt32,
                                                 DType::kInt64, DType::kUint32, DType::kUint64};

namespace {

blasint blas_dim(int64_t d) {
  if (d > std::numeric_limits<blasint>::max())
    throw Error("matrix dimension " + std::to_string(d) + " is too large for BLAS");
  return static_cast<blasint>(d);
}

// cblas_sgemm or cblas_dgemm with row-major leading dimensions. BLAS
// rejects a zero leading dimension, so an empty K is handled here:
// C = beta * C (and 0 when beta is 0, without reading C).
template <class T, class BlasFn>
void blas_gemm(BlasFn fn, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
               const T* b, T beta, T* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (int64_t i = 0; i < m * n; ++i) c[i] = beta == T(0) ? T(0) : beta * c[i];
    return;
  }
  fn(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, blas_dim(m),
     blas_dim(n), blas_dim(k), alpha, a, blas_dim(trans_a ? m : k), b, blas_dim(trans_b ? k : n), beta, c,
     blas_dim(n));
}

template <class T>
void integer_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, const T* b,
                  T beta, T* c) {
  // Unsigned arithmetic wraps without undefined behaviour and yields the
  // same bits as two's complement wrapping; the final cast is modular.
  using Acc = std::make_unsigned_t<T>;
  const int64_t a_row = trans_a ? 1 : k, a_col = trans_a ? m : 1;
  const int64_t b_row = trans_b ? 1 : n, b_col = trans_b ? k : 1;
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      Acc sum = 0;
      for (int64_t p = 0; p < k; ++p)
        sum += static_cast<Acc>(a[i * a_row + p * a_col]) * static_cast<Acc>(b[p * b_row + j * b_col]);
      Acc out = static_cast<Acc>(alpha) * sum;
      if (beta != T(0)) out += static_cast<Acc>(beta) * static_cast<Acc>(c[i * n + j]);
      c[i * n + j] = static_cast<T>(out);
    }
  }
}

}  // namespace

template <class T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, const T* b, T beta,
          T* c) {
  if constexpr (std::is_same_v<T, float>) {
    blas_gemm(cblas_sgemm, trans_a, trans_b, m, n, k, alpha, a, b, beta, c);
  } else if constexpr (std::is_same_v<T, double>) {
    blas_gemm(cblas_dgemm, trans_a, trans_b, m, n, k, alpha, a, b, beta, c);
  } else {
    integer_gemm(trans_a, trans_b, m, n, k, alpha, a, b, beta, c);
  }
}

#define XENC_INSTANTIATE_GEMM(T) \
  template void gemm<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, const T*, T, T*);
XENC_INSTANTIATE_GEMM(float)
XENC_INSTANTIATE_GEMM(double)
XENC_INSTANTIATE_GEMM(int32_t)
XENC_INSTANTIATE_GEMM(int64_t)
XENC_INSTANTIATE_GEMM(uint32_t)
XENC_INSTANTIATE_GEMM(uint64_t)
#undef XENC_INSTANTIATE_GEMM

}  // namespace xenc
