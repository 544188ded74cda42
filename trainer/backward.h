// The backward rules of reverse-mode autodiff: for each op, the gradients of
// its inputs from the gradients of its outputs and the values the forward
// pass computed. One rule per op type, listed in trainer/gradient_list.inc.
//
// Rules are written once as templates over float and double: float for
// training, double for the finite-difference tests that check every rule.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "graph/tensor.h"

namespace xenc {

// The gradient of an embedding table read by Gather: only the rows the batch
// used, so a 30k-row table does not cost a dense gradient per step. `rows`
// may repeat (a token used twice); their contributions add.
struct RowGradient {
  std::vector<int64_t> rows;
  Tensor values;  // [rows.size(), row size]
};

// A value's gradient: dense (the value's shape) or, from Gather, by rows.
struct Gradient {
  Tensor dense;
  RowGradient by_rows;

  bool present() const { return !dense.empty_handle() || !by_rows.values.empty_handle(); }
  bool is_rows() const { return dense.empty_handle() && !by_rows.values.empty_handle(); }
};

struct BackwardArgs {
  const Node& node;
  std::span<const Tensor* const> inputs;        // the forward inputs; nullptr for an omitted one
  std::span<const Tensor* const> outputs;       // the forward outputs; nullptr for an omitted one
  std::span<const Tensor* const> output_grads;  // nullptr where no gradient reaches the output
  std::span<const bool> wanted;                 // per input: is its gradient needed
};

// Returns one Gradient per input (empty where not wanted or not
// differentiable). At least one output gradient is present.
using BackwardFn = std::vector<Gradient> (*)(const BackwardArgs& args);

struct GradientRule {
  const char* domain;  // "" for the default ONNX domain
  const char* op_type;
  // Bit i set: input i can carry a gradient (data, not indices, shapes or axes).
  uint32_t differentiable_inputs;
  BackwardFn backward;
};

// nullptr when xenc has no backward rule for the op.
const GradientRule* find_gradient_rule(const std::string& domain, const std::string& op_type);
std::span<const GradientRule* const> all_gradient_rules();

}  // namespace xenc
