// Split (opsets 2, 11, 13, 18): cuts the input along `axis` into one part per
// output, sized by `split` (attribute before 13, input from 13) or equally;
// from 18 equal parts may be uneven, the last one smaller.
#include <cstring>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

// Checks what can be checked of explicit part sizes without the axis length.
void check_split(const std::vector<int64_t>& split, size_t count) {
  if (split.size() != count)
    throw Error("split " + shape_str(split) + " has " + std::to_string(split.size()) + " entries for " +
                std::to_string(count) + " outputs");
  for (int64_t s : split) {
    if (s < 0) throw Error("split " + shape_str(split) + " has a negative size");
  }
}

// Part sizes along an axis of known length `dim`.
std::vector<int64_t> part_sizes(const Node& node, int64_t dim, const std::optional<std::vector<int64_t>>& split,
                                size_t count) {
  if (split) {
    check_split(*split, count);
    // Subtracting from the length cannot overflow the way summing huge entries could.
    int64_t remaining = dim;
    for (int64_t s : *split) remaining = s > remaining ? -1 : remaining - s;
    if (remaining != 0)
      throw Error("split " + shape_str(*split) + " does not sum to the axis length " + std::to_string(dim));
    return *split;
  }
  const auto parts = static_cast<int64_t>(count);
  const bool uneven_allowed = node.opset >= 18;
  if (dim % parts != 0 && !uneven_allowed)
    throw Error("axis length " + std::to_string(dim) + " does not split evenly into " + std::to_string(parts) +
                " outputs");
  const int64_t chunk = (dim + parts - 1) / parts;
  std::vector<int64_t> sizes(count, chunk);
  sizes.back() = dim - chunk * (parts - 1);
  if (sizes.back() < 0)
    throw Error("axis length " + std::to_string(dim) + " cannot be cut into " + std::to_string(parts) +
                " parts of " + std::to_string(chunk));
  return sizes;
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 2);
  const ShapeInput& data = required_input(inputs, 0, "input");
  expect_storable(data, "input");
  const IntsArgument split = ints_attr_or_input(node, inputs, "split", 1, 13);
  const size_t count = node.outputs.size();
  if (count == 0) throw Error("has no outputs");
  if (node.opset >= 18 && node.has_attr("num_outputs")) {
    if (split.present) throw Error("takes either 'split' or 'num_outputs', not both");
    if (node.attr_int("num_outputs", 0) != static_cast<int64_t>(count))
      throw Error("num_outputs is " + std::to_string(node.attr_int("num_outputs", 0)) + " but the node has " +
                  std::to_string(count) + " outputs");
  }
  const DType dtype = data.type.dtype;
  if (!data.type.shape) return std::vector<ValueType>(count, ValueType{dtype, std::nullopt});
  const SymShape& in = *data.type.shape;
  const auto axis = static_cast<size_t>(normalize_axis(node.attr_int("axis", 0), static_cast<int64_t>(in.size())));
  std::vector<ValueType> out(count, ValueType{dtype, in});
  std::vector<Dim> parts(count, Dim::unknown());
  const Dim& dim = in[axis];
  if (dim.is_known() && (!split.present || split.values)) {
    const std::vector<int64_t> sizes = part_sizes(node, dim.value, split.values, count);
    for (size_t k = 0; k < count; ++k) parts[k] = Dim::known(sizes[k]);
  } else if (split.values) {
    check_split(*split.values, count);
    for (size_t k = 0; k < count; ++k) parts[k] = Dim::known((*split.values)[k]);
  }
  for (size_t k = 0; k < count; ++k) (*out[k].shape)[axis] = parts[k];
  return out;
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& data = *in[0];
  const Shape& shape = data.shape();
  const auto axis = static_cast<size_t>(normalize_axis(node.attr_int("axis", 0), data.rank()));
  std::optional<std::vector<int64_t>> split;
  if (in.size() > 1 && in[1]) split = in[1]->to_int64_vector();
  else if (node.has_attr("split")) split = node.attr_ints("split");
  const std::vector<int64_t> sizes = part_sizes(node, shape[axis], split, out.size());
  const int64_t outer = dims_product(shape, 0, axis);
  const size_t elem = dtype_size(data.dtype());
  const size_t inner = static_cast<size_t>(dims_product(shape, axis + 1, shape.size())) * elem;
  const size_t in_row = static_cast<size_t>(shape[axis]) * inner;
  // Each outer row of the input is the outputs' rows laid side by side.
  const auto* src = static_cast<const std::byte*>(data.raw());
  size_t column = 0;
  for (size_t k = 0; k < out.size(); ++k) {
    const size_t row = static_cast<size_t>(sizes[k]) * inner;
    if (out[k] && row) {
      auto* dst = static_cast<std::byte*>(out[k]->raw());
      for (int64_t o = 0; o < outer; ++o) {
        std::memcpy(dst + static_cast<size_t>(o) * row, src + static_cast<size_t>(o) * in_row + column, row);
      }
    }
    column += row;
  }
}

}  // namespace

extern const OpSchema kSplitOp{"", "Split", 2, infer, run};

}  // namespace xenc
