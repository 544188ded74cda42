#include "models/normal_init.h"

#include <cmath>
#include <numbers>

namespace xenc {

Tensor NormalInit::normal(const Shape& shape, double stddev) {
  constexpr double kTwoTo32 = 4294967296.0;
  Tensor t(DType::kFloat, shape);
  float* out = t.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    const double u1 = (static_cast<double>(rng_()) + 0.5) / kTwoTo32;
    const double u2 = static_cast<double>(rng_()) / kTwoTo32;
    out[i] = static_cast<float>(stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2));
  }
  return t;
}

}  // namespace xenc
