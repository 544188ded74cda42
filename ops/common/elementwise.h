// Shape functions and loops shared by element-wise ops (unary maps and
// numpy-broadcasting binary maps). Each op file supplies only its scalar rule.
#pragma once

#include <functional>
#include <span>
#include <type_traits>
#include <vector>

#include "graph/op_schema.h"
#include "ops/common/convert.h"
#include "ops/common/dispatch.h"
#include "ops/common/shape_util.h"

namespace xenc {

// One input, one output of the same dtype and shape; dtype must be in `allowed`.
std::vector<ValueType> infer_unary(std::span<const ShapeInput> inputs, std::initializer_list<DType> allowed);
// Two or more broadcast inputs of one dtype (from `allowed`); output dtype is
// `out_dtype`, or the inputs' dtype when kUndefined.
std::vector<ValueType> infer_broadcast(std::span<const ShapeInput> inputs, std::initializer_list<DType> allowed,
                                       DType out_dtype = DType::kUndefined);

extern const std::initializer_list<DType> kFloatTypes;    // float, double
extern const std::initializer_list<DType> kNumericTypes;  // floats and every integer width
extern const std::initializer_list<DType> kSignedTypes;   // floats and signed integers
extern const std::initializer_list<DType> kOrderedTypes;  // numeric plus float16 and bfloat16 (compared as float)
extern const std::initializer_list<DType> kStoredTypes;   // every dtype a Tensor holds, bool included

// Integer arithmetic wraps modulo 2^bits, as ONNX Runtime's kernels do in
// practice, instead of reaching C++'s undefined signed overflow (which also
// hits uint16 * uint16 through its promotion to int). Floats use `op` as is.
template <class T, class Op>
T wrapping(Op op, T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using Unsigned = std::make_unsigned_t<decltype(a + b)>;
    return static_cast<T>(op(static_cast<Unsigned>(a), static_cast<Unsigned>(b)));
  } else {
    return op(a, b);
  }
}
// -x; for integers the lowest value maps to itself instead of overflowing.
template <class T>
T negate(T x) {
  if constexpr (std::is_integral_v<T>) {
    return wrapping(std::minus<>(), T(0), x);
  } else {
    return -x;
  }
}

template <class TIn, class TOut, class F>
void unary_map(const Tensor& in, Tensor& out, F f) {
  const TIn* x = in.data<TIn>();
  TOut* y = out.data<TOut>();
  const int64_t n = in.numel();
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

template <class TA, class TB, class TOut, class F>
void binary_map(const Tensor& a, const Tensor& b, Tensor& out, F f) {
  const TA* pa = a.data<TA>();
  const TB* pb = b.data<TB>();
  TOut* po = out.data<TOut>();
  if (a.shape() == out.shape() && b.shape() == out.shape()) {
    for (int64_t i = 0, n = out.numel(); i < n; ++i) po[i] = f(pa[i], pb[i]);
    return;
  }
  const std::vector<int64_t> strides[2] = {broadcast_strides(a.shape(), out.shape()),
                                           broadcast_strides(b.shape(), out.shape())};
  for_each_broadcast(out.shape(), strides,
                     [&](int64_t o, const int64_t* off) { po[o] = f(pa[off[0]], pb[off[1]]); });
}

template <class TA, class TB, class TC, class TOut, class F>
void ternary_map(const Tensor& a, const Tensor& b, const Tensor& c, Tensor& out, F f) {
  const TA* pa = a.data<TA>();
  const TB* pb = b.data<TB>();
  const TC* pc = c.data<TC>();
  TOut* po = out.data<TOut>();
  const std::vector<int64_t> strides[3] = {broadcast_strides(a.shape(), out.shape()),
                                           broadcast_strides(b.shape(), out.shape()),
                                           broadcast_strides(c.shape(), out.shape())};
  for_each_broadcast(out.shape(), strides,
                     [&](int64_t o, const int64_t* off) { po[o] = f(pa[off[0]], pb[off[1]], pc[off[2]]); });
}

// Folds one or more broadcast operands of one dtype left to right:
// out = f(...f(f(x0, x1), x2)..., xn). Each step broadcasts to the final
// shape, which gives the same result as broadcasting pairwise.
template <class T, class F>
void variadic_map(std::span<const Tensor* const> in, Tensor& out, F f) {
  if (in.size() == 1) return unary_map<T, T>(*in[0], out, [](T x) { return x; });
  binary_map<T, T, T>(*in[0], *in[1], out, f);
  for (size_t k = 2; k < in.size(); ++k) binary_map<T, T, T>(out, *in[k], out, f);
}

// Broadcast comparison of two operands of one dtype into a bool tensor.
// `pred` gets arith_value()s, so 16-bit floats compare as float.
template <class Pred>
void compare_map(const Tensor& a, const Tensor& b, Tensor& out, Pred pred) {
  dispatch_any(a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    binary_map<T, T, bool>(a, b, out, [&](T x, T y) { return pred(arith_value(x), arith_value(y)); });
  });
}

}  // namespace xenc
