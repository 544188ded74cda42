// Weights for the modules a checkpoint lacks (the task head of a base-model
// checkpoint), drawn as transformers' _init_weights draws them: a Linear's
// weight from normal(0, initializer_range), its bias zero (a zeroed Tensor).
// torch's generator is not reproduced; the draws come from std::mt19937 with
// a fixed seed through the Box-Muller transform, written out here because
// std::normal_distribution is not specified bit for bit and an export must
// give the same weights on every platform:
//   u1 = (a + 0.5) / 2^32,  u2 = b / 2^32     (a, b: two successive draws)
//   z  = sqrt(-2 ln u1) * cos(2 pi u2)       (u1 in (0, 1), so the log is finite)
#pragma once

#include <cstdint>
#include <random>

#include "graph/tensor.h"

namespace xenc {

class NormalInit {
 public:
  explicit NormalInit(uint32_t seed) : rng_(seed) {}

  // A float tensor of `shape` with elements stddev * z, in row-major order.
  Tensor normal(const Shape& shape, double stddev);

 private:
  std::mt19937 rng_;
};

}  // namespace xenc
