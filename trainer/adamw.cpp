#include "trainer/adamw.h"

#include <cmath>
#include <vector>

#include "ops/fast/parallel.h"
#include "trainer/gradient_sum.h"

namespace xenc {

AdamW::AdamW(std::map<std::string, Tensor>& parameters, const AdamWOptions& options, std::set<std::string> no_decay)
    : parameters_(parameters), options_(options), no_decay_(std::move(no_decay)) {
  for (const auto& [name, p] : parameters_) {
    if (p.dtype() != DType::kFloat) throw Error("AdamW trains float parameters; '" + name + "' is " + dtype_name(p.dtype()));
    m_.emplace(name, Tensor(DType::kFloat, p.shape()));
    v_.emplace(name, Tensor(DType::kFloat, p.shape()));
  }
}

void AdamW::step(const std::map<std::string, Gradient>& grads, double lr, double grad_scale) {
  ++steps_;
  const double bias_correction1 = 1 - std::pow(options_.beta1, static_cast<double>(steps_));
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(options_.beta2, static_cast<double>(steps_)));
  const auto step_size = static_cast<float>(lr / bias_correction1);
  const auto b1 = static_cast<float>(options_.beta1), b2 = static_cast<float>(options_.beta2);
  const auto eps = static_cast<float>(options_.epsilon), c2 = static_cast<float>(bias_correction2_sqrt);
  const auto scale = static_cast<float>(grad_scale);
  for (auto& [name, param] : parameters_) {
    const auto found = grads.find(name);
    if (found == grads.end() || !found->second.present()) continue;
    const Gradient grad = coalesce_rows(found->second);
    const float decay = no_decay_.count(name) ? 1.0f : static_cast<float>(1 - lr * options_.weight_decay);
    float* p = param.data<float>();
    float* m = m_.at(name).data<float>();
    float* v = v_.at(name).data<float>();
    // One row of elements at a time, `g` its gradient or nullptr for a row
    // the batch did not use (a zero gradient). The loop is branch-free so it
    // vectorizes (this file is built with -fno-math-errno for the sqrt).
    const auto update = [&](int64_t begin, int64_t end, const float* g) {
      for (int64_t i = begin; i < end; ++i) {
        const float gi = g ? g[i - begin] * scale : 0.0f;
        p[i] *= decay;
        m[i] += (1 - b1) * (gi - m[i]);
        v[i] = v[i] * b2 + (1 - b2) * gi * gi;
        p[i] -= step_size * m[i] / (std::sqrt(v[i]) / c2 + eps);
      }
    };
    if (!grad.is_rows()) {
      if (grad.dense.shape() != param.shape())
        throw Error("gradient of '" + name + "' has shape " + shape_str(grad.dense.shape()) + ", the parameter " +
                    shape_str(param.shape()));
      const float* g = grad.dense.data<float>();
      parallel_chunks(param.numel(), 16, [&](int64_t begin, int64_t end) { update(begin, end, g + begin); });
      continue;
    }
    const int64_t rows = param.dim(0), width = param.numel() / std::max<int64_t>(1, rows);
    std::vector<const float*> row_grads(static_cast<size_t>(rows), nullptr);
    for (size_t r = 0; r < grad.by_rows.rows.size(); ++r)
      row_grads[static_cast<size_t>(grad.by_rows.rows[r])] =
          grad.by_rows.values.data<float>() + static_cast<int64_t>(r) * width;
    parallel_chunks(rows, 16 * width, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) update(r * width, (r + 1) * width, row_grads[static_cast<size_t>(r)]);
    });
  }
}

double gradient_norm(const std::map<std::string, Gradient>& grads) {
  // Sums of squares in 16 float lanes (independent, so the loop vectorizes
  // without reordering), each block's lanes added in double in order:
  // deterministic, and accurate enough for a clipping threshold.
  constexpr int64_t kLanes = 16, kBlock = 256 * kLanes;
  double sum = 0;
  for (const auto& [name, g] : grads) {
    const Gradient total = coalesce_rows(g);
    const Tensor& t = total.is_rows() ? total.by_rows.values : total.dense;
    const float* x = t.data<float>();
    const int64_t n = t.numel();
    for (int64_t begin = 0; begin < n; begin += kBlock) {
      const int64_t end = std::min(n, begin + kBlock);
      float lanes[kLanes] = {};
      int64_t i = begin;
      for (; i + kLanes <= end; i += kLanes)
        for (int64_t j = 0; j < kLanes; ++j) lanes[j] += x[i + j] * x[i + j];
      for (; i < end; ++i) lanes[0] += x[i] * x[i];
      for (float lane : lanes) sum += lane;
    }
  }
  return std::sqrt(sum);
}

double clip_scale(double norm, double max_norm) { return std::min(1.0, max_norm / (norm + 1e-6)); }

double linear_schedule(int64_t step, int64_t warmup, int64_t total) {
  if (step < warmup) return static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup));
  return std::max(0.0, static_cast<double>(total - step) / static_cast<double>(std::max<int64_t>(1, total - warmup)));
}

}  // namespace xenc
