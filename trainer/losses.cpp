#include "trainer/losses.h"

#include <algorithm>
#include <cmath>

#include "graph/error.h"

namespace xenc {

LossKind parse_loss(const std::string& name) {
  if (name == "bce") return LossKind::bce;
  if (name == "mse") return LossKind::mse;
  if (name == "cross-entropy") return LossKind::cross_entropy;
  if (name == "cosent") return LossKind::cosent;
  throw Error("unknown loss '" + name + "' (expected bce, mse, cross-entropy or cosent)");
}

std::string loss_name(LossKind kind) {
  switch (kind) {
    case LossKind::bce: return "bce";
    case LossKind::mse: return "mse";
    case LossKind::cross_entropy: return "cross-entropy";
    case LossKind::cosent: return "cosent";
  }
  return "";
}

namespace {

// log(1 + sum of exp(e_ij)) over the ordered row pairs, e_ij = scale * (z_j - z_i)
// for t_i > t_j; each term's share of the sum is its weight in the gradient.
void cosent(const float* z, const std::vector<float>& t, LossValue& result) {
  const size_t n = t.size();
  double top = 0;  // the log-sum-exp's shift, with the 1 as exp(0) among the terms
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      if (t[i] > t[j]) top = std::max(top, kCosentScale * (static_cast<double>(z[j]) - z[i]));
  double sum = std::exp(-top);
  std::vector<double> grad(n, 0.0);  // scaled by the sum until the end
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      if (t[i] > t[j]) {
        const double term = std::exp(kCosentScale * (static_cast<double>(z[j]) - z[i]) - top);
        sum += term;
        grad[j] += kCosentScale * term;
        grad[i] -= kCosentScale * term;
      }
  result.loss = top + std::log(sum);
  float* dz = result.logits_grad.data<float>();
  for (size_t i = 0; i < n; ++i) dz[i] = static_cast<float>(grad[i] / sum);
}

}  // namespace

LossValue compute_loss(LossKind kind, const Tensor& logits, const std::vector<float>& targets) {
  if (logits.rank() != 2 || logits.dim(0) != static_cast<int64_t>(targets.size()))
    throw Error("logits of shape " + shape_str(logits.shape()) + " for " + std::to_string(targets.size()) + " targets");
  const int64_t batch = logits.dim(0), labels = logits.dim(1);
  if (kind != LossKind::cross_entropy && labels != 1)
    throw Error("loss " + loss_name(kind) + " needs a one-label model; this one has " + std::to_string(labels) +
                " labels (use --loss cross-entropy)");
  LossValue result{0, Tensor(DType::kFloat, logits.shape())};
  const float* z = logits.data<float>();
  if (kind == LossKind::cosent) {
    cosent(z, targets, result);
    return result;
  }
  float* dz = result.logits_grad.data<float>();
  const double inv_batch = 1.0 / static_cast<double>(batch);
  for (int64_t b = 0; b < batch; ++b) {
    const double t = targets[static_cast<size_t>(b)];
    const float* row = z + b * labels;
    float* grad = dz + b * labels;
    switch (kind) {
      case LossKind::bce: {
        // log(1 + e^-|z|) keeps the loss finite for large |z|; its
        // derivative is sigmoid(z) - t.
        const double x = row[0];
        result.loss += std::max(x, 0.0) - x * t + std::log1p(std::exp(-std::abs(x)));
        grad[0] = static_cast<float>((1.0 / (1.0 + std::exp(-x)) - t) * inv_batch);
        break;
      }
      case LossKind::mse: {
        const double d = row[0] - t;
        result.loss += d * d;
        grad[0] = static_cast<float>(2 * d * inv_batch);
        break;
      }
      case LossKind::cross_entropy: {
        const auto label = static_cast<int64_t>(t);
        if (label < 0 || label >= labels || static_cast<double>(label) != t)
          throw Error("class label " + std::to_string(t) + " is not one of 0.." + std::to_string(labels - 1));
        const double top = *std::max_element(row, row + labels);
        double sum = 0;
        for (int64_t j = 0; j < labels; ++j) sum += std::exp(row[j] - top);
        result.loss += top + std::log(sum) - row[label];
        for (int64_t j = 0; j < labels; ++j)
          grad[j] = static_cast<float>((std::exp(row[j] - top) / sum - (j == label ? 1.0 : 0.0)) * inv_batch);
        break;
      }
      case LossKind::cosent: break;  // handled above: not a sum over rows
    }
  }
  result.loss *= inv_batch;
  return result;
}

}  // namespace xenc
