#include "ops/common/weight_quantization.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace xenc {

void quantize_columns_symmetric(const float* b, int64_t k, int64_t n, int8_t* q, float* scales) {
  // Row by row (the matrix's memory order), the column maxima first.
  std::fill(scales, scales + n, 0.0f);
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < n; ++j) scales[j] = std::max(scales[j], std::fabs(b[p * n + j]));  // NaN: kept out
  for (int64_t j = 0; j < n; ++j) {
    const double scale = static_cast<double>(scales[j]) / 127.0;
    scales[j] = scale >= FLT_MIN ? static_cast<float>(scale) : 1.0f;
  }
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < n; ++j) {
      const float v = std::nearbyint(b[p * n + j] / scales[j]);
      q[p * n + j] = std::isnan(v) ? int8_t{0} : static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f));
    }
}

}  // namespace xenc
