// The row rule shared by LayerNormalization and ONNX Runtime's
// SkipLayerNormalization and EmbedLayerNormalization:
// y = (x - mean) / sqrt(variance + epsilon) * gamma + beta over one row.
#pragma once

#include <cmath>
#include <cstdint>

namespace xenc {

struct RowStats {
  double mean;
  double inv_std_dev;  // 1 / sqrt(variance + epsilon)
};

// Normalises the n elements of x into y (which may alias x); beta may be
// null. Two passes in double, the mean and then the mean squared deviation
// from it: E[x^2] - E[x]^2 cancels catastrophically when |mean| >> stddev.
template <class T, class P>
RowStats normalize_row(const T* x, int64_t n, const P* gamma, const P* beta, double epsilon, T* y) {
  double sum = 0;
  for (int64_t c = 0; c < n; ++c) sum += x[c];
  const double mean = sum / static_cast<double>(n);
  double squares = 0;
  for (int64_t c = 0; c < n; ++c) squares += (x[c] - mean) * (x[c] - mean);
  const double inv_std_dev = 1.0 / std::sqrt(squares / static_cast<double>(n) + epsilon);
  for (int64_t c = 0; c < n; ++c) {
    const double shifted = beta ? static_cast<double>(beta[c]) : 0.0;
    y[c] = static_cast<T>((x[c] - mean) * inv_std_dev * gamma[c] + shifted);
  }
  return {mean, inv_std_dev};
}

}  // namespace xenc
