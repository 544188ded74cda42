// The quantization rules of ONNX's QuantizeLinear and DynamicQuantizeLinear,
// shared by the reference kernels (ops/common/quantize.h) and the fast int8
// path (the row kernels of ops/x86/f32_row_kernels.h), so that every path
// quantizes every value to the same integer.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace xenc {

// saturate(round(v) + zero_point) into Q's range, with round half to even
// (std::nearbyint in the default rounding mode, as ONNX specifies). The sum
// is formed in float: it is exact while |round(v)| < 2^24, and anything
// larger saturates either way. NaN maps to the zero point (ONNX leaves it
// undefined; this is where 0 goes).
template <class Q>
Q saturate_rounded(float v, int32_t zero_point) {
  constexpr float kLow = static_cast<float>(std::numeric_limits<Q>::lowest());
  constexpr float kHigh = static_cast<float>(std::numeric_limits<Q>::max());
  if (std::isnan(v)) return static_cast<Q>(zero_point);
  const float q = std::nearbyint(v) + static_cast<float>(zero_point);
  return static_cast<Q>(q < kLow ? kLow : (q > kHigh ? kHigh : q));
}

// QuantizeLinear's rule: saturate(round(x / scale) + zero_point), the
// division in float as ONNX Runtime does it.
template <class Q>
Q quantize_value(float x, float scale, int32_t zero_point) {
  return saturate_rounded<Q>(x / scale, zero_point);
}

struct Uint8Quantization {
  float scale = 1;
  uint8_t zero_point = 0;
};

// The uint8 scale and zero point DynamicQuantizeLinear picks for values in
// [min, max]:
//   lo = min(0, min), hi = max(0, max), scale = (hi - lo) / 255,
//   zero_point = saturate(round(0 - lo / scale)),
// all in float. The range includes 0 so that 0 is exactly representable
// (zero padding stays zero). When lo = hi = 0 the formula divides by zero;
// like ONNX Runtime, the scale is then 1 (and the zero point 0).
inline Uint8Quantization dynamic_uint8_quantization(float min, float max) {
  const float lo = std::min(min, 0.0f), hi = std::max(max, 0.0f);
  constexpr float kLevels = 255.0f;  // qmax - qmin of uint8
  const float scale = hi == lo ? 1.0f : (hi - lo) / kLevels;
  return {scale, saturate_rounded<uint8_t>(0.0f - lo / scale, 0)};
}

inline uint8_t quantize_uint8(float x, Uint8Quantization q) { return quantize_value<uint8_t>(x, q.scale, q.zero_point); }

}  // namespace xenc
