#include "ops/common/weight_quantization.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>

namespace xenc {

namespace {

// The scale of a slice whose largest magnitude is `absmax`.
float symmetric_scale(float absmax) {
  const double scale = static_cast<double>(absmax) / 127.0;
  return scale >= FLT_MIN ? static_cast<float>(scale) : 1.0f;
}

int8_t quantize_symmetric(float x, float scale) {
  const float v = std::nearbyint(x / scale);
  return std::isnan(v) ? int8_t{0} : static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f));
}

// std::max keeps its first argument when the second is NaN: NaN stays out.
float abs_max(float running, float x) { return std::max(running, std::fabs(x)); }

}  // namespace

void quantize_columns_symmetric(const float* b, int64_t k, int64_t n, int8_t* q, float* scales) {
  // Row by row (the matrix's memory order), the column maxima first.
  std::fill(scales, scales + n, 0.0f);
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < n; ++j) scales[j] = abs_max(scales[j], b[p * n + j]);
  for (int64_t j = 0; j < n; ++j) scales[j] = symmetric_scale(scales[j]);
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < n; ++j) q[p * n + j] = quantize_symmetric(b[p * n + j], scales[j]);
}

void quantize_rows_symmetric(const float* b, int64_t k, int64_t n, int8_t* q, float* scales) {
  for (int64_t p = 0; p < k; ++p) {
    const float* row = b + p * n;
    scales[p] = symmetric_scale(std::accumulate(row, row + n, 0.0f, abs_max));
    for (int64_t j = 0; j < n; ++j) q[p * n + j] = quantize_symmetric(row[j], scales[p]);
  }
}

}  // namespace xenc
