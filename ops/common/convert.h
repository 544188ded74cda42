// Element conversions with ONNX Cast semantics, and the view of 16-bit
// floats that arithmetic and comparisons use. Shared by Cast, CastLike and
// every op that computes in one type and stores in another.
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

#include "graph/tensor.h"

namespace xenc {

template <class T>
constexpr bool kIsHalf = std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>;

// The value an element computes and compares with: 16-bit floats widen to
// float (exactly), every other type is itself.
template <class T>
auto arith_value(T x) {
  if constexpr (kIsHalf<T>) {
    return to_float(x);
  } else {
    return x;
  }
}

template <class T>
bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(x);
  } else {
    return false;
  }
}

// Float to integer: truncation toward zero as static_cast does where C++
// defines it; out-of-range values saturate and NaN gives 0 where C++ leaves
// the result undefined (ONNX leaves it undefined too, so any defined choice
// is conforming; this one never depends on the CPU).
template <class To, class From>
To float_to_integer(From x) {
  using Limits = std::numeric_limits<To>;
  if (std::isnan(x)) return To(0);
  // The limits are powers of two (or 2^n - 1, which rounds up to 2^n in a
  // narrower float), so these comparisons are exact at the boundaries.
  if (x <= static_cast<From>(Limits::lowest())) return Limits::lowest();
  if (x >= static_cast<From>(Limits::max())) return Limits::max();
  return static_cast<To>(x);
}

// Converts one element. To bool is x != 0 (NaN is true, as in C++); bool is
// 0 or 1; 16-bit floats go through float, rounding to nearest even. Double
// to float16 therefore rounds twice, which can differ from one direct
// rounding by a unit in the last place near halfway points.
template <class To, class From>
To convert_value(From x) {
  if constexpr (std::is_same_v<To, From>) {
    return x;
  } else if constexpr (kIsHalf<From>) {
    return convert_value<To>(to_float(x));
  } else if constexpr (std::is_same_v<To, Float16>) {
    return to_float16(static_cast<float>(x));
  } else if constexpr (std::is_same_v<To, BFloat16>) {
    return to_bfloat16(static_cast<float>(x));
  } else if constexpr (std::is_same_v<To, bool>) {
    return x != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    return float_to_integer<To>(x);
  } else {
    return static_cast<To>(x);
  }
}

// Converts every element of `in` into `out` (same shape, any stored dtypes).
void convert_tensor(const Tensor& in, Tensor& out);

}  // namespace xenc
