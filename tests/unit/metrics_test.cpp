// Pearson and Spearman on cases whose values follow from the definitions.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "runtime/metrics.h"

namespace xenc {
namespace {

TEST(Metrics, PearsonOfLinearDataIsOne) {
  const std::vector<double> x = {1, 2, 3, 4}, y = {3, 5, 7, 9}, down = {8, 6, 4, 2};
  EXPECT_NEAR(pearson(x, y), 1.0, 1e-12);
  EXPECT_NEAR(pearson(x, down), -1.0, 1e-12);
}

TEST(Metrics, PearsonByHand) {
  // x - mean = (-1, 0, 1), y - mean = (-1, 1, 0): r = 1 / sqrt(2 * 2) = 0.5.
  const std::vector<double> x = {1, 2, 3}, y = {1, 3, 2};
  EXPECT_NEAR(pearson(x, y), 0.5, 1e-12);
}

TEST(Metrics, SpearmanWithoutTies) {
  // rho = 1 - 6 * sum d^2 / (n (n^2 - 1)); d = (1, -1, 1, -1, 0): 1 - 24/120 = 0.8.
  const std::vector<double> x = {1, 2, 3, 4, 5}, y = {20, 10, 40, 30, 50};
  EXPECT_NEAR(spearman(x, y), 0.8, 1e-12);
  // Any monotone transform of y keeps rho.
  const std::vector<double> y_cubed = {8000, 1000, 64000, 27000, 125000};
  EXPECT_NEAR(spearman(x, y_cubed), 0.8, 1e-12);
}

TEST(Metrics, SpearmanTiesShareTheirMeanRank) {
  // y ranks: 1, 2.5, 2.5, 4 -> Pearson of (1,2,3,4) and (1,2.5,2.5,4):
  // deviations (-1.5,-.5,.5,1.5) and (-1.5,0,0,1.5): 4.5 / sqrt(5 * 4.5) = 3 / sqrt(10).
  const std::vector<double> x = {1, 2, 3, 4}, y = {0.1, 0.5, 0.5, 0.9};
  EXPECT_NEAR(spearman(x, y), 3.0 / std::sqrt(10.0), 1e-12);
}

TEST(Metrics, UndefinedCorrelationsAreNan) {
  const std::vector<double> x = {1, 2, 3}, constant = {2, 2, 2}, one = {1};
  EXPECT_TRUE(std::isnan(pearson(x, constant)));
  EXPECT_TRUE(std::isnan(spearman(x, constant)));
  EXPECT_TRUE(std::isnan(pearson(one, one)));
  EXPECT_THROW(pearson(x, one), std::runtime_error);
}

}  // namespace
}  // namespace xenc
