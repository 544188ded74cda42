#include "ops/common/reduce.h"

#include <optional>

namespace xenc {
namespace {

bool axes_from_input(const Node& node, int axes_input_since) { return node.opset >= axes_input_since; }

// Folded-dim flags from the axes list (already read from attribute or input).
std::vector<bool> reduced_flags(const Node& node, const std::vector<int64_t>& axes, int64_t rank) {
  const bool noop = node.attr_int("noop_with_empty_axes", 0) != 0;
  if (axes.empty()) return std::vector<bool>(static_cast<size_t>(rank), !noop);
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  for (int64_t axis : axes) {
    const size_t d = static_cast<size_t>(normalize_axis(axis, rank));
    if (reduced[d]) throw Error("axis " + std::to_string(axis) + " is repeated in axes");
    reduced[d] = true;
  }
  return reduced;
}

}  // namespace

std::vector<ValueType> infer_reduce(const Node& node, std::span<const ShapeInput> inputs, int axes_input_since,
                                    std::initializer_list<DType> allowed) {
  const bool axes_input = axes_from_input(node, axes_input_since);
  expect_input_count(node, inputs, 1, axes_input ? 2 : 1);
  const ShapeInput& data = required_input(inputs, 0, "data");
  expect_dtype(data, allowed, "data");
  const bool keepdims = node.attr_int("keepdims", 1) != 0;
  std::optional<std::vector<int64_t>> axes = node.attr_ints("axes");
  if (axes_input && inputs.size() == 2 && inputs[1].present) {
    expect_dtype(inputs[1], {DType::kInt64}, "axes");
    if (inputs[1].type.shape && inputs[1].type.shape->size() != 1)
      throw Error("axes must be 1-D, got " + sym_shape_str(*inputs[1].type.shape));
    axes = const_ints(inputs[1]);
  } else if (axes_input && node.has_attr("axes")) {
    throw Error("axes is an input from opset " + std::to_string(axes_input_since) + ", not an attribute");
  }
  if (!data.type.shape) return {ValueType{data.type.dtype, std::nullopt}};
  const SymShape& in = *data.type.shape;
  const int64_t rank = static_cast<int64_t>(in.size());
  if (!axes) return {ValueType{data.type.dtype, keepdims ? std::optional(unknown_dims(rank)) : std::nullopt}};
  const std::vector<bool> reduced = reduced_flags(node, *axes, rank);
  SymShape out;
  for (size_t d = 0; d < in.size(); ++d) {
    if (!reduced[d]) {
      out.push_back(in[d]);
    } else if (keepdims) {
      out.push_back(Dim::known(1));
    }
  }
  return {ValueType{data.type.dtype, out}};
}

std::vector<bool> reduced_dims(const Node& node, std::span<const Tensor* const> inputs, int axes_input_since) {
  const bool axes_input = axes_from_input(node, axes_input_since);
  const std::vector<int64_t> axes = !axes_input ? node.attr_ints("axes")
                                    : inputs.size() == 2 && inputs[1] ? inputs[1]->to_int64_vector()
                                                                      : std::vector<int64_t>{};
  return reduced_flags(node, axes, inputs[0]->rank());
}

}  // namespace xenc
