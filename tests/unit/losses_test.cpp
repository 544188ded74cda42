// The training losses: values worked by hand, and gradients against central
// differences of the loss itself.
#include <gtest/gtest.h>

#include <cmath>

#include "trainer/losses.h"

namespace xenc {
namespace {

Tensor column(const std::vector<float>& values) {
  Tensor t(DType::kFloat, {static_cast<int64_t>(values.size()), 1});
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

// Each logit's gradient against (L(z + h) - L(z - h)) / 2h.
void expect_gradient_matches_differences(LossKind kind, const std::vector<float>& z, const std::vector<float>& t) {
  const LossValue at = compute_loss(kind, column(z), t);
  for (size_t i = 0; i < z.size(); ++i) {
    const float h = 1e-2f;
    std::vector<float> up = z, down = z;
    up[i] += h;
    down[i] -= h;
    const double above = compute_loss(kind, column(up), t).loss;
    const double below = compute_loss(kind, column(down), t).loss;
    const double numeric = (above - below) / (2 * h);
    EXPECT_NEAR(at.logits_grad.data<float>()[i], numeric, 2e-3 * std::max(1.0, std::abs(numeric)))
        << loss_name(kind) << " logit " << i;
  }
}

TEST(Losses, GradientsMatchCentralDifferences) {
  const std::vector<float> z = {0.31f, -0.42f, 0.88f, 0.05f, 0.6f};
  const std::vector<float> t = {0.2f, 0.0f, 1.0f, 0.4f, 0.4f};
  for (LossKind kind : {LossKind::bce, LossKind::mse, LossKind::cosent})
    expect_gradient_matches_differences(kind, z, t);
}

TEST(Losses, CosentWorkedByHand) {
  // Two rows, the first with the higher target: log(1 + e^(20 (z1 - z0))).
  const LossValue ordered = compute_loss(LossKind::cosent, column({0.9f, 0.7f}), {1.0f, 0.5f});
  EXPECT_NEAR(ordered.loss, std::log1p(std::exp(20.0 * (0.7 - 0.9))), 1e-6);
  const LossValue reversed = compute_loss(LossKind::cosent, column({0.7f, 0.9f}), {1.0f, 0.5f});
  EXPECT_NEAR(reversed.loss, std::log1p(std::exp(20.0 * (0.9 - 0.7))), 1e-5);
  // Equal targets are not ordered: no term, loss log 1 = 0 and no gradient.
  const LossValue tied = compute_loss(LossKind::cosent, column({0.1f, 0.9f}), {0.5f, 0.5f});
  EXPECT_EQ(tied.loss, 0.0);
  EXPECT_EQ(tied.logits_grad.data<float>()[0], 0.0f);
  // Large differences stay finite.
  EXPECT_TRUE(std::isfinite(compute_loss(LossKind::cosent, column({-50.0f, 50.0f}), {1.0f, 0.0f}).loss));
}

TEST(Losses, NamesRoundTrip) {
  for (LossKind kind : {LossKind::bce, LossKind::mse, LossKind::cross_entropy, LossKind::cosent})
    EXPECT_EQ(parse_loss(loss_name(kind)), kind);
}

}  // namespace
}  // namespace xenc
