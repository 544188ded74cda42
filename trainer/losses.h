// Training losses over a batch of logits [batch, labels], each the mean over
// the batch, with their gradient by the logits.
#pragma once

#include <string>
#include <vector>

#include "graph/tensor.h"

namespace xenc {

enum class LossKind {
  bce,            // binary cross-entropy with logits; one label, targets in [0, 1]
  mse,            // mean squared error of the raw logit; one label
  cross_entropy,  // softmax cross-entropy; targets are class indices
};

LossKind parse_loss(const std::string& name);  // "bce", "mse", "cross-entropy"
std::string loss_name(LossKind kind);

struct LossValue {
  double loss = 0;
  Tensor logits_grad;  // d loss / d logits, float, the logits' shape
};

// `targets`: one per batch row (a score in [0, 1] for bce, any value for
// mse, a class index for cross_entropy). Logits are float [batch, labels].
LossValue compute_loss(LossKind kind, const Tensor& logits, const std::vector<float>& targets);

}  // namespace xenc
