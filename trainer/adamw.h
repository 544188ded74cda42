// AdamW (Loshchilov & Hutter), step for step as torch.optim.AdamW computes
// it, with gradient-norm clipping applied as a scale on the gradients, and
// the linear warmup / linear decay schedule of Hugging Face's
// get_linear_schedule_with_warmup.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "trainer/backward.h"

namespace xenc {

struct AdamWOptions {
  double learning_rate = 2e-5;
  double beta1 = 0.9;
  double beta2 = 0.999;
  // transformers' AdamW default; with torch's 1e-8, float noise on an exactly-zero
  // gradient (a key bias: softmax ignores it) would take lr-sized steps.
  double epsilon = 1e-6;
  double weight_decay = 0.01;
};

class AdamW {
 public:
  // `parameters` are updated in place; `no_decay` names the ones without
  // weight decay (biases and normalization weights, by convention).
  AdamW(std::map<std::string, Tensor>& parameters, const AdamWOptions& options, std::set<std::string> no_decay);

  // One update with learning rate `lr` and every gradient multiplied by
  // `grad_scale`. A parameter without a gradient is left alone (as torch
  // does for a gradient of None); the rows a row gradient lacks count as
  // zero gradients, as in a dense gradient.
  void step(const std::map<std::string, Gradient>& grads, double lr, double grad_scale = 1.0);

  int64_t steps() const { return steps_; }
  // The moment estimates, by parameter name (for checkpoints).
  std::map<std::string, Tensor>& first_moments() { return m_; }
  std::map<std::string, Tensor>& second_moments() { return v_; }
  void set_steps(int64_t steps) { steps_ = steps; }

 private:
  std::map<std::string, Tensor>& parameters_;
  AdamWOptions options_;
  std::set<std::string> no_decay_;
  std::map<std::string, Tensor> m_, v_;
  int64_t steps_ = 0;
};

// sqrt of the sum of squares of every gradient (rows summed first).
double gradient_norm(const std::map<std::string, Gradient>& grads);
// torch.nn.utils.clip_grad_norm_'s factor: max_norm / (norm + 1e-6), at most 1.
double clip_scale(double norm, double max_norm);

// The learning-rate factor of optimizer step `step` (0-based) of `total`:
// rising linearly from 0 over `warmup` steps, then falling linearly to 0.
double linear_schedule(int64_t step, int64_t warmup, int64_t total);

}  // namespace xenc
