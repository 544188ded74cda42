#include "runtime/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "graph/error.h"

namespace xenc {

namespace {

void check_sizes(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size())
    throw Error("correlation of " + std::to_string(x.size()) + " and " + std::to_string(y.size()) + " values");
}

// 1-based ranks; a run of equal values gets the mean of its positions.
std::vector<double> ranks(std::span<const double> v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::ranges::sort(order, {}, [&](size_t i) { return v[i]; });
  std::vector<double> rank(v.size());
  for (size_t start = 0; start < order.size();) {
    size_t end = start + 1;
    while (end < order.size() && v[order[end]] == v[order[start]]) ++end;
    const double mean_rank = (static_cast<double>(start + end) + 1.0) / 2.0;
    for (size_t k = start; k < end; ++k) rank[order[k]] = mean_rank;
    start = end;
  }
  return rank;
}

}  // namespace

double pearson(std::span<const double> x, std::span<const double> y) {
  check_sizes(x, y);
  const size_t n = x.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  // Two passes (means first) keep the sums of squares accurate.
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(n);
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

double spearman(std::span<const double> x, std::span<const double> y) {
  check_sizes(x, y);
  const std::vector<double> rx = ranks(x), ry = ranks(y);
  return pearson(rx, ry);
}

}  // namespace xenc
