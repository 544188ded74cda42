// The uint8 quantization rules of ONNX's DynamicQuantizeLinear and
// QuantizeLinear, shared by the reference kernels and the fast int8 path so
// that both quantize every value to the same byte.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace xenc {

struct Uint8Quantization {
  float scale = 0;  // 0 when the range is empty: every value quantizes to the zero point
  uint8_t zero_point = 0;
};

// DynamicQuantizeLinear's parameters for values in [min, max]: the range is
// widened to hold 0 (so 0 stays exact), scale = range / 255 and the zero
// point is -min / scale rounded half to even and saturated.
inline Uint8Quantization dynamic_uint8_quantization(float min, float max) {
  const float low = std::min(min, 0.0f), high = std::max(max, 0.0f);
  const float scale = (high - low) / 255.0f;
  if (!(scale > 0)) return {};
  const float zero_point = std::nearbyint(std::clamp(0.0f - low / scale, 0.0f, 255.0f));
  return {scale, static_cast<uint8_t>(zero_point)};
}

// saturate(round_half_even(x / scale) + zero_point), as QuantizeLinear.
inline uint8_t quantize_uint8(float x, Uint8Quantization q) {
  if (!(q.scale > 0)) return q.zero_point;
  const float v = std::nearbyint(x / q.scale) + static_cast<float>(q.zero_point);
  if (!(v > 0)) return 0;  // NaN included, as the vector kernels do
  return static_cast<uint8_t>(std::min(v, 255.0f));
}

}  // namespace xenc
