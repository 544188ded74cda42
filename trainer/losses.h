// Training losses over a batch of logits [batch, labels] with their gradient
// by the logits: bce, mse and cross-entropy are means over the batch's rows;
// cosent is one value for the batch, from its rows' order.
#pragma once

#include <string>
#include <vector>

#include "graph/tensor.h"

namespace xenc {

enum class LossKind {
  bce,            // binary cross-entropy with logits; one label, targets in [0, 1]
  mse,            // mean squared error of the raw logit; one label
  cross_entropy,  // softmax cross-entropy; targets are class indices
  // CoSENT, a ranking loss: log(1 + sum over row pairs with t_i > t_j of
  // exp(kCosentScale * (z_j - z_i))); one label. It asks only that scores
  // order the pairs as their targets do (what Spearman measures), not that
  // they equal the targets.
  cosent,
};

// CoSENT's factor on score differences (sentence-transformers' default
// scale): cosines differ by at most 2, and 20 makes those differences count.
inline constexpr double kCosentScale = 20.0;

LossKind parse_loss(const std::string& name);  // "bce", "mse", "cross-entropy", "cosent"
std::string loss_name(LossKind kind);

struct LossValue {
  double loss = 0;
  Tensor logits_grad;  // d loss / d logits, float, the logits' shape
};

// `targets`: one per batch row (a score in [0, 1] for bce, any value for
// mse and cosent, a class index for cross_entropy). Logits are float
// [batch, labels].
LossValue compute_loss(LossKind kind, const Tensor& logits, const std::vector<float>& targets);

}  // namespace xenc
