// Evaluation metrics for scored pairs: correlation with gold scores (STS
// style) and classification accuracy.
#pragma once

#include <cstddef>
#include <span>

namespace xenc {

// Pearson's r; NaN when either side is constant or there are fewer than 2 points.
double pearson(std::span<const double> x, std::span<const double> y);
// Spearman's rho: Pearson's r of the ranks, ties sharing their mean rank.
double spearman(std::span<const double> x, std::span<const double> y);

}  // namespace xenc
