// Helpers shared by the backward rules.
#pragma once

#include <vector>

#include "graph/tensor.h"
#include "trainer/backward.h"

namespace xenc {

// `grad`, of a broadcast result's shape, summed over the dims that
// broadcasting added or stretched, so it has `shape` (numpy's rule read
// backwards). Returns `grad` itself when the shapes already agree.
Tensor sum_to_shape(const Tensor& grad, const Shape& shape);

// A dense Gradient.
inline Gradient dense_gradient(Tensor t) { return Gradient{std::move(t), {}}; }

// The empty result of a rule: one absent Gradient per input.
inline std::vector<Gradient> no_gradients(const BackwardArgs& args) {
  return std::vector<Gradient>(args.inputs.size());
}

// Input i's gradient is wanted (and the input is present).
inline bool wants(const BackwardArgs& args, size_t i) {
  return i < args.wanted.size() && args.wanted[i] && args.inputs[i] != nullptr;
}

}  // namespace xenc
