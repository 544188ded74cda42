// Shape functions and loops shared by element-wise ops (unary maps and
// numpy-broadcasting binary maps). Each op file supplies only its scalar rule:
// a functor whose templated call operator maps element values, plugged into
// the ShapeFn and KernelFn templates at the end of this file, e.g.
//   struct Ceil {
//     template <class T>
//     T operator()(T x) const { return std::ceil(x); }
//   };
//   extern const OpSchema kCeilOp{"", "Ceil", 6, infer_unary_of<kFloatTypes>, run_unary<TypeSet::kFloat, Ceil>};
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
extern const std::initializer_list<DType> kBoolTypes;     // bool alone (logical ops)

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

// When `x` broadcast to `out` is one block repeated (its dims, leading 1s
// aside, are out's trailing dims, as a bias is), the block's size; else 0.
int64_t repeated_block(const Shape& x, const Shape& out);

template <class TA, class TB, class TOut, class F>
void binary_map(const Tensor& a, const Tensor& b, Tensor& out, F f) {
  const TA* pa = a.data<TA>();
  const TB* pb = b.data<TB>();
  TOut* po = out.data<TOut>();
  const int64_t n = out.numel();
  if (a.shape() == out.shape() && b.shape() == out.shape()) {
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    return;
  }
  // One operand whole, the other a repeated block: plain loops per block.
  if (const int64_t w = repeated_block(b.shape(), out.shape()); w > 0 && a.shape() == out.shape()) {
    for (int64_t r = 0; r < n; r += w)
      for (int64_t j = 0; j < w; ++j) po[r + j] = f(pa[r + j], pb[j]);
    return;
  }
  if (const int64_t w = repeated_block(a.shape(), out.shape()); w > 0 && b.shape() == out.shape()) {
    for (int64_t r = 0; r < n; r += w)
      for (int64_t j = 0; j < w; ++j) po[r + j] = f(pa[j], pb[r + j]);
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

// Binary scalar rule of integer-wrapping arithmetic: Wrapping<std::plus<>>
// adds with wrapping(std::plus<>(), a, b).
template <class Op>
struct Wrapping {
  template <class T>
  T operator()(T a, T b) const {
    return wrapping(Op(), a, b);
  }
};

// Min's and Max's rule: `a` when keep_first(a, b) holds or `a` is NaN (NaN
// wins, as in numpy's minimum and maximum), else `b`. Compares arith_value()s,
// so 16-bit floats compare as float.
template <class KeepFirst>
struct NanPropagatingSelect {
  template <class T>
  T operator()(T a, T b) const {
    const auto x = arith_value(a);
    return (KeepFirst()(x, arith_value(b)) || is_nan(x)) ? a : b;
  }
};

// ShapeFns of the element-wise families, given the input dtypes they accept
// (one of the lists above) and, for comparisons, the output dtype.
// One input; the output has its type.
template <const std::initializer_list<DType>& Allowed>
std::vector<ValueType> infer_unary_of(const Node&, std::span<const ShapeInput> inputs) {
  return infer_unary(inputs, Allowed);
}
// Exactly two broadcast inputs.
template <const std::initializer_list<DType>& Allowed, DType OutDType = DType::kUndefined>
std::vector<ValueType> infer_binary_of(const Node&, std::span<const ShapeInput> inputs) {
  if (inputs.size() != 2) throw Error("expects 2 inputs");
  return infer_broadcast(inputs, Allowed, OutDType);
}
// One or more broadcast inputs.
template <const std::initializer_list<DType>& Allowed>
std::vector<ValueType> infer_variadic_of(const Node&, std::span<const ShapeInput> inputs) {
  if (inputs.empty()) throw Error("expects at least 1 input");
  return infer_broadcast(inputs, Allowed);
}

// KernelFns of the element-wise families: each applies Fn() to the elements
// of its inputs, instantiated for the dtypes in Types.
// Y = Fn(X).
template <TypeSet Types, class Fn>
void run_unary(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_types<Types>(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    unary_map<T, T>(*in[0], *out[0], Fn());
  });
}
// C = Fn(A, B) broadcast, both operands and C of one dtype.
template <TypeSet Types, class Fn>
void run_binary(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_types<Types>(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    binary_map<T, T, T>(*in[0], *in[1], *out[0], Fn());
  });
}
// C = Pred(A, B) broadcast into a bool tensor, for operands of any one stored
// dtype. Pred gets arith_value()s, so 16-bit floats compare as float.
template <class Pred>
void run_compare(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_any(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    binary_map<T, T, bool>(*in[0], *in[1], *out[0], [](T x, T y) { return Pred()(arith_value(x), arith_value(y)); });
  });
}
// Y = Fn folded over one or more broadcast inputs (variadic_map), any stored dtype.
template <class Fn>
void run_variadic(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_any(in[0]->dtype(), [&](auto tag) { variadic_map<typename decltype(tag)::type>(in, *out[0], Fn()); });
}

}  // namespace xenc
