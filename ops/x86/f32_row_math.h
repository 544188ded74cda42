// The vector algorithms of the float row kernels, written once over a
// vector type V and instantiated by each ISA's file (f32_row_kernels__avx2.cpp,
// f32_row_kernels__avx512.cpp) with its own compiler flags. Everything here
// has internal linkage, so each ISA's instantiations stay in its own object
// file and the linker cannot swap an AVX-512 copy in for an AVX2 caller.
// For the same reason it calls nothing from the standard library, whose
// inline functions would be compiled with the ISA's flags and could be
// merged across object files.
//
// V provides, for a vector Vec of V::kLanes floats and a lane mask Mask:
//   zero() set1(f) load(p) store(p, v)
//   load_first(p, count, fill)   lanes >= count hold `fill`; memory past p + count is not touched
//   store_first(p, v, count)     writes lanes < count only
//   add sub mul div min max      min(a, b) and max(a, b) return b when either is NaN
//   fmadd(a, b, c) = a * b + c   fnmadd(a, b, c) = c - a * b   (one rounding)
//   abs(v)  copy_sign(magnitude, sign)  round(v) (to nearest even)
//   pow2(k) = 2^k for integral k in [-126, 127]
//   less(a, b) -> Mask   select(mask, if_true, if_false)
//   reduce_add(v) reduce_min(v) reduce_max(v) -> float
//   store_bytes(p, v, count)     lanes < count, whole numbers in [0, 255], as bytes
// and, for a vector IVec of V::kLanes int32:
//   iset1(i)  load_ints(p, count) load_int8s(p, count)   (lanes >= count are 0, not read)
//   isub(a, b) imul(a, b) (both modulo 2^32)  to_float(v)
#pragma once

#include <cstddef>

#include "ops/x86/f32_row_kernels.h"

namespace xenc {
namespace {

// Calls body(i, lanes) for i = 0, kLanes, 2 kLanes, ... below n, with
// lanes = kLanes except on a shorter last vector. Inlined, the full-vector
// loop sees the constant kLanes, so its loads and stores are plain ones.
template <class V, class Body>
inline void for_each_vector(size_t n, Body body) {
  size_t i = 0;
  for (; i + V::kLanes <= n; i += V::kLanes) body(i, V::kLanes);
  if (i < n) body(i, n - i);
}

template <class V>
inline typename V::Vec load_n(const float* p, size_t lanes, float fill) {
  return lanes == V::kLanes ? V::load(p) : V::load_first(p, lanes, fill);
}

template <class V>
inline void store_n(float* p, typename V::Vec v, size_t lanes) {
  if (lanes == V::kLanes) {
    V::store(p, v);
  } else {
    V::store_first(p, v, lanes);
  }
}

// e^x for x <= 0 (all the kernels need: softmax shifts by the row maximum,
// erf and tanh exponentiate -x^2 and -2|x|). With k = round(x / ln 2) and
// r = x - k ln 2, |r| <= ln(2) / 2 and e^x = 2^k e^r. e^r is its Taylor
// polynomial of degree 7, whose remainder is at most
// e^0.347 * 0.347^8 / 8! = 7.3e-9 relative; r is exact to half an ulp
// (two fused steps with ln 2 split into float + remainder). Measured against
// double-precision exp on every float in [-87.33, 0): at most 0.94 ulp
// (7.9e-8 relative). Below ln(FLT_MIN) = -87.34 the result is 0 instead of
// a denormal; NaN stays NaN.
template <class V>
inline typename V::Vec vec_exp_nonpositive(typename V::Vec x) {
  constexpr float kMin = -87.33654475f;
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693147182464599609375f;  // ln 2 rounded to float
  constexpr float kLn2Lo = -1.904654323148236e-09f;   // ln 2 - kLn2Hi
  const auto xc = V::max(V::set1(kMin), x);           // NaN passes through (max returns b)
  const auto k = V::round(V::mul(xc, V::set1(kLog2e)));
  auto r = V::fnmadd(k, V::set1(kLn2Hi), xc);
  r = V::fnmadd(k, V::set1(kLn2Lo), r);
  auto p = V::set1(1.0f / 5040);
  p = V::fmadd(p, r, V::set1(1.0f / 720));
  p = V::fmadd(p, r, V::set1(1.0f / 120));
  p = V::fmadd(p, r, V::set1(1.0f / 24));
  p = V::fmadd(p, r, V::set1(1.0f / 6));
  p = V::fmadd(p, r, V::set1(0.5f));
  p = V::fmadd(p, r, V::set1(1.0f));
  p = V::fmadd(p, r, V::set1(1.0f));
  return V::select(V::less(x, V::set1(kMin)), V::zero(), V::mul(p, V::pow2(k)));
}

// erfc(a) = 1 - erf(a) for a >= 0 by Abramowitz & Stegun 7.1.26:
// t (a1 + t (a2 + ... + t a5)) e^(-a^2) with t = 1 / (1 + p a), absolute
// error at most 1.5e-7.
template <class V>
inline typename V::Vec vec_erfc_nonnegative(typename V::Vec a) {
  const auto t = V::div(V::set1(1.0f), V::fmadd(V::set1(0.3275911f), a, V::set1(1.0f)));
  auto poly = V::set1(1.061405429f);
  poly = V::fmadd(poly, t, V::set1(-1.453152027f));
  poly = V::fmadd(poly, t, V::set1(1.421413741f));
  poly = V::fmadd(poly, t, V::set1(-0.284496736f));
  poly = V::fmadd(poly, t, V::set1(0.254829592f));
  return V::mul(V::mul(poly, t), vec_exp_nonpositive<V>(V::mul(V::sub(V::zero(), a), a)));
}

// erf(x). For |x| < 1 the Maclaurin series
//   erf(x) = 2/sqrt(pi) * sum_j (-1)^j x^(2j+1) / (j! (2j+1)),
// cut after j = 10: the first omitted term is below 1.5e-9 of the result.
// Above, 1 - erfc(|x|) (vec_erfc_nonnegative), absolute error at most
// 1.5e-7, which is at most 1.8e-7 of erf(x) >= erf(1) = 0.84. Measured against double-precision erf
// on 2e6 points of [-10, 10]: at most 2.1e-7 relative (3 ulp).
template <class V>
inline typename V::Vec vec_erf(typename V::Vec x) {
  constexpr float kTwoOverSqrtPi = 1.12837916709551257f;
  const auto a = V::abs(x);
  const auto x2 = V::mul(x, x);
  // Coefficients (-1)^j 2/sqrt(pi) / (j! (2j+1)), Horner from j = 10 down.
  constexpr double kFactorial[] = {1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800};
  auto series = V::set1(static_cast<float>(kTwoOverSqrtPi / (kFactorial[10] * 21)));
  for (int j = 9; j >= 0; --j) {
    const double term = kTwoOverSqrtPi / (kFactorial[j] * (2 * j + 1));
    series = V::fmadd(series, x2, V::set1(static_cast<float>(j % 2 ? -term : term)));
  }
  const auto small = V::mul(series, x);

  const auto large = V::copy_sign(V::sub(V::set1(1.0f), vec_erfc_nonnegative<V>(a)), x);
  return V::select(V::less(a, V::set1(1.0f)), small, large);
}

// tanh(x). For |x| < 0.4 the Maclaurin series x - x^3/3 + 2x^5/15 - 17x^7/315
// + 62x^9/2835 - 1382x^11/155925 + 21844x^13/6081075, whose first omitted
// term is below 5e-9 of the result. Above, sign(x) (1 - e) / (1 + e) with
// e = e^(-2|x|) <= e^-0.8, so 1 - e >= 0.55 loses at most one bit to
// cancellation. Measured against double-precision tanh on 2e6 points of
// [-12, 12]: at most 1.7e-7 relative (2.3 ulp).
template <class V>
inline typename V::Vec vec_tanh(typename V::Vec x) {
  const auto a = V::abs(x);
  const auto x2 = V::mul(x, x);
  auto series = V::set1(21844.0f / 6081075);
  series = V::fmadd(series, x2, V::set1(-1382.0f / 155925));
  series = V::fmadd(series, x2, V::set1(62.0f / 2835));
  series = V::fmadd(series, x2, V::set1(-17.0f / 315));
  series = V::fmadd(series, x2, V::set1(2.0f / 15));
  series = V::fmadd(series, x2, V::set1(-1.0f / 3));
  const auto small = V::fmadd(V::mul(series, x2), x, x);

  const auto e = vec_exp_nonpositive<V>(V::mul(V::set1(-2.0f), a));
  const auto one = V::set1(1.0f);
  const auto large = V::copy_sign(V::div(V::sub(one, e), V::add(one, e)), x);
  return V::select(V::less(a, V::set1(0.4f)), small, large);
}

// 0.5 z (1 + erf(x)) with x = z / sqrt(2), in one branch: 1 + erf(x) is
// 2 - erfc(|x|) for x >= 0 and erfc(|x|) for x < 0. GELU needs 1 + erf to
// an absolute, not relative, accuracy, so vec_erf's series for small |x|
// (half of its instructions) is not needed, and for x < 0 erfc is used as
// it is rather than after the cancellation of 1 + erf. Measured on 4e5
// points of [-10, 10]: at most 3.8e-7 absolute error (near z = 3, where
// erfc's 1.5e-7 is scaled by z / 2 and the result's ulp is 2.4e-7).
template <class V>
inline typename V::Vec vec_gelu(typename V::Vec z) {
  constexpr float kSqrtHalf = 0.707106781186547524f;
  const auto x = V::mul(z, V::set1(kSqrtHalf));
  const auto half_z = V::mul(V::set1(0.5f), z);
  const auto erfc = vec_erfc_nonnegative<V>(V::abs(x));
  // half_z * erfc for x < 0, half_z + half_z * erf(x) for x >= 0 (as one
  // fused step, which rounds once where 2 - erfc would round first).
  const auto negative = V::less(x, V::zero());
  const auto factor = V::select(negative, erfc, V::sub(V::set1(1.0f), erfc));
  return V::fmadd(half_z, factor, V::select(negative, V::zero(), half_z));
}

// 0.5 z (1 + tanh(sqrt(2 / pi) (z + 0.044715 z^3))). Measured as gelu's:
// at most 3.8e-7 absolute error on [-10, 10].
template <class V>
inline typename V::Vec vec_gelu_tanh(typename V::Vec z) {
  constexpr float kSqrtTwoOverPi = 0.797884560802865356f;
  const auto z2 = V::mul(z, z);
  const auto inner = V::mul(V::mul(V::set1(kSqrtTwoOverPi), z), V::fmadd(V::set1(0.044715f), z2, V::set1(1.0f)));
  const auto half_z = V::mul(V::set1(0.5f), z);
  return V::fmadd(half_z, vec_tanh<V>(inner), half_z);
}

template <class V, class F>
inline void map_row(const float* x, float* y, size_t n, F f) {
  for_each_vector<V>(n, [&](size_t i, size_t lanes) { store_n<V>(y + i, f(load_n<V>(x + i, lanes, 0.0f)), lanes); });
}

// f(x + bias) element-wise; no bias reads nothing.
template <class V, class F>
inline void map_biased_row(const float* x, const float* bias, float* y, size_t n, F f) {
  if (!bias) return map_row<V>(x, y, n, f);
  for_each_vector<V>(n, [&](size_t i, size_t lanes) {
    const auto z = V::add(load_n<V>(x + i, lanes, 0.0f), load_n<V>(bias + i, lanes, 0.0f));
    store_n<V>(y + i, f(z), lanes);
  });
}

template <class V>
float f32_softmax(const SoftmaxRow& row) {
  constexpr float kMinusInf = -__builtin_inff();
  static constexpr float kZeros[V::kLanes] = {};
  const auto scale = V::set1(row.scale);
  // scale * x + bias, with the lanes past the row at -inf (x loads there
  // as 0 and the bias as -inf, which holds for a scale of either sign).
  const auto z = [&](size_t i, size_t lanes) {
    const auto bias = row.bias ? load_n<V>(row.bias + i, lanes, kMinusInf)
                      : lanes == V::kLanes ? V::zero()
                                           : V::load_first(kZeros, lanes, kMinusInf);
    return V::fmadd(load_n<V>(row.x + i, lanes, 0.0f), scale, bias);
  };
  auto max = V::set1(kMinusInf);
  for_each_vector<V>(row.n, [&](size_t i, size_t lanes) { max = V::max(max, z(i, lanes)); });
  const auto row_max = V::set1(V::reduce_max(max));
  // Shifted by the maximum, every exponent is <= 0 and the largest term is 1,
  // so the sum neither overflows nor underflows to zero.
  auto sum = V::zero();
  for_each_vector<V>(row.n, [&](size_t i, size_t lanes) {
    const auto e = vec_exp_nonpositive<V>(V::sub(z(i, lanes), row_max));
    sum = V::add(sum, e);
    store_n<V>(row.y + i, e, lanes);
  });
  const float inv_sum = 1.0f / V::reduce_add(sum);
  if (row.normalize) {
    const auto inv = V::set1(inv_sum);
    map_row<V>(row.y, row.y, row.n, [&](auto e) { return V::mul(e, inv); });
  }
  return inv_sum;
}

template <class V>
LayerNormStats f32_layernorm(const LayerNormRow& in) {
  // A local copy of the row's fields: through the caller's struct, every
  // store to y could change them as far as the compiler knows, and it
  // reloaded them for every vector (a third slower; softmax, whose loops
  // GCC schedules worse from a copy, keeps the reference).
  const LayerNormRow row = in;
  const size_t n = row.n;
  const float inv_n = 1.0f / static_cast<float>(n);
  // Pass 1: the mean, roughly, of x + skip + bias when there are addends,
  // which are summed once into `sum` (or y, as scratch) for the next passes.
  const float* src = row.x;
  auto acc = V::zero();
  if (row.skip || row.bias) {
    float* dst = row.sum ? row.sum : row.y;
    for_each_vector<V>(n, [&](size_t i, size_t lanes) {
      auto v = load_n<V>(row.x + i, lanes, 0.0f);
      if (row.skip) v = V::add(v, load_n<V>(row.skip + i, lanes, 0.0f));
      if (row.bias) v = V::add(v, load_n<V>(row.bias + i, lanes, 0.0f));
      store_n<V>(dst + i, v, lanes);
      acc = V::add(acc, v);
    });
    src = dst;
  } else {
    for_each_vector<V>(n, [&](size_t i, size_t lanes) { acc = V::add(acc, load_n<V>(src + i, lanes, 0.0f)); });
  }
  const float rough_mean = V::reduce_add(acc) * inv_n;
  // Pass 2: deviations d = v - rough_mean, whose mean corrects the float
  // rounding of the first sum (which matters when |mean| >> standard
  // deviation) and whose mean square gives the variance:
  //   mean = rough_mean + E[d],  variance = E[d^2] - E[d]^2,
  // where E[d] is tiny, so the subtraction cancels nothing (unlike
  // E[v^2] - E[v]^2 over the raw values). Missing tail lanes load as
  // rough_mean and add nothing.
  const auto rough = V::set1(rough_mean);
  auto deviations = V::zero(), squares = V::zero();
  for_each_vector<V>(n, [&](size_t i, size_t lanes) {
    const auto d = V::sub(load_n<V>(src + i, lanes, rough_mean), rough);
    deviations = V::add(deviations, d);
    squares = V::fmadd(d, d, squares);
  });
  const float shift = V::reduce_add(deviations) * inv_n;
  const float mean = rough_mean + shift;
  // Rounding can take a zero variance a hair below zero.
  const float variance = V::reduce_add(squares) * inv_n - shift * shift;
  const float inv_std_dev = 1.0f / __builtin_sqrtf((variance > 0 ? variance : 0.0f) + row.epsilon);
  const auto mean_v = V::set1(mean);
  // Pass 3: y = (v - mean) * inv_std_dev * gamma + beta.
  const auto scale = V::set1(inv_std_dev);
  for_each_vector<V>(n, [&](size_t i, size_t lanes) {
    const auto normalized = V::mul(V::sub(load_n<V>(src + i, lanes, 0.0f), mean_v), scale);
    const auto beta = row.beta ? load_n<V>(row.beta + i, lanes, 0.0f) : V::zero();
    store_n<V>(row.y + i, V::fmadd(normalized, load_n<V>(row.gamma + i, lanes, 0.0f), beta), lanes);
  });
  return {mean, inv_std_dev};
}

template <class V>
void f32_gelu(const float* x, const float* bias, float* y, size_t n) {
  map_biased_row<V>(x, bias, y, n, [](auto z) { return vec_gelu<V>(z); });
}

template <class V>
void f32_gelu_tanh(const float* x, const float* bias, float* y, size_t n) {
  map_biased_row<V>(x, bias, y, n, [](auto z) { return vec_gelu_tanh<V>(z); });
}

template <class V>
void f32_erf(const float* x, float* y, size_t n) {
  map_row<V>(x, y, n, [](auto v) { return vec_erf<V>(v); });
}

template <class V>
void f32_tanh(const float* x, float* y, size_t n) {
  map_row<V>(x, y, n, [](auto v) { return vec_tanh<V>(v); });
}

template <class V>
FloatRange f32_min_max(const float* x, size_t n) {
  constexpr float kNaN = __builtin_nanf("");
  auto min = V::set1(__builtin_inff()), max = V::set1(-__builtin_inff());
  // NaN (the tail's fill too) as the first operand leaves the other one.
  for_each_vector<V>(n, [&](size_t i, size_t lanes) {
    const auto v = load_n<V>(x + i, lanes, kNaN);
    min = V::min(v, min);
    max = V::max(v, max);
  });
  return {V::reduce_min(min), V::reduce_max(max)};
}

template <class V>
uint32_t f32_quantize_uint8(const float* x, size_t n, Uint8Quantization quantization, uint8_t* q) {
  // Division rather than a reciprocal's product, so that every value
  // rounds as QuantizeLinear's x / scale does. Saturated before the zero
  // point is added, as its negative and positive parts: min and max with 0
  // give their second operand, 0, for NaN, which so lands on the zero point
  // as in quantize_uint8.
  const float zero_point = quantization.zero_point;
  const auto scale = V::set1(quantization.scale), shift = V::set1(zero_point);
  const auto low = V::set1(-zero_point), high = V::set1(255.0f - zero_point);
  auto sum = V::zero();
  size_t padding = 0;  // tail lanes, loaded as 0, so quantized to the zero point
  for_each_vector<V>(n, [&](size_t i, size_t lanes) {
    const auto rounded = V::round(V::div(load_n<V>(x + i, lanes, 0.0f), scale));
    const auto below = V::max(V::min(rounded, V::zero()), low), above = V::min(V::max(rounded, V::zero()), high);
    const auto v = V::add(V::add(below, above), shift);
    sum = V::add(sum, v);
    V::store_bytes(q + i, v, lanes);
    padding = V::kLanes - lanes;
  });
  return static_cast<uint32_t>(V::reduce_add(sum)) - static_cast<uint32_t>(padding) * quantization.zero_point;
}

template <class V>
void f32_dequantize(const DequantizeRow& in) {
  const DequantizeRow row = in;  // a local copy: see f32_layernorm
  const auto a_zero = V::iset1(row.a_zero), a_offset = V::iset1(row.a_offset);
  const auto a_scale = V::set1(row.a_scale);
  for_each_vector<V>(row.n, [&](size_t i, size_t lanes) {
    auto sum = V::isub(V::load_ints(row.product + i, lanes), V::imul(a_zero, V::load_ints(row.b_sums + i, lanes)));
    if (row.b_zero) sum = V::isub(sum, V::imul(V::load_int8s(row.b_zero + i, lanes), a_offset));
    auto y = V::mul(V::to_float(sum), V::mul(a_scale, load_n<V>(row.b_scale + i, lanes, 0.0f)));
    if (row.bias) y = V::add(y, load_n<V>(row.bias + i, lanes, 0.0f));
    if (row.gelu) y = vec_gelu<V>(y);
    store_n<V>(row.y + i, y, lanes);
  });
}

// The table of one ISA, in F32RowKernels' field order. Profiles show the
// kernels as f32_softmax<Avx2> and so on.
template <class V>
constexpr F32RowKernels f32_row_kernels_of() {
  return {f32_softmax<V>, f32_layernorm<V>, f32_gelu<V>,       f32_gelu_tanh<V>,
          f32_erf<V>,     f32_tanh<V>,      f32_min_max<V>, f32_quantize_uint8<V>,
          f32_dequantize<V>};
}

}  // namespace
}  // namespace xenc
