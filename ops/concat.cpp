// Concat (opsets 4, 11, 13): joins the inputs along `axis`; every other dim
// must agree.
#include <cstring>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

// Two views of the same dim: a known value wins over a symbol; known values must agree.
Dim merge_dims(const Dim& a, const Dim& b, size_t axis) {
  if (a.is_known() && b.is_known() && a.value != b.value)
    throw Error("inputs differ on dim " + std::to_string(axis) + " (" + a.str() + " vs " + b.str() + ")");
  if (a.is_known()) return a;
  if (b.is_known()) return b;
  return a.symbol.empty() ? b : a;
}

// The concatenated dim: known only when every part is.
Dim dim_sum(const std::vector<Dim>& parts) {
  int64_t total = 0;
  for (const Dim& d : parts) {
    if (!d.is_known()) return Dim::unknown();
    total += d.value;
  }
  return Dim::known(total);
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  if (inputs.empty()) throw Error("expects at least 1 input");
  if (!node.has_attr("axis")) throw Error("missing required attribute 'axis'");
  DType dtype = DType::kUndefined;
  std::optional<SymShape> out;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ShapeInput& in = required_input(inputs, i, "inputs");
    expect_storable(in, "inputs");
    if (in.type.dtype != DType::kUndefined) {
      if (dtype != DType::kUndefined && in.type.dtype != dtype)
        throw Error("inputs have different dtypes: " + dtype_name(dtype) + " and " + dtype_name(in.type.dtype));
      dtype = in.type.dtype;
    }
    if (in.type.shape && !out) out = unknown_dims(static_cast<int64_t>(in.type.shape->size()));
  }
  if (!out) return {ValueType{dtype, std::nullopt}};
  const auto rank = static_cast<int64_t>(out->size());
  const auto axis = static_cast<size_t>(normalize_axis(node.attr_int("axis", 0), rank));
  std::vector<Dim> axis_dims;
  for (const ShapeInput& in : inputs) {
    if (!in.type.shape) {
      axis_dims.push_back(Dim::unknown());
      continue;
    }
    const SymShape& shape = *in.type.shape;
    if (shape.size() != out->size())
      throw Error("inputs have different ranks: " + std::to_string(rank) + " and " + std::to_string(shape.size()));
    for (size_t d = 0; d < shape.size(); ++d) {
      if (d != axis) (*out)[d] = merge_dims((*out)[d], shape[d], d);
    }
    axis_dims.push_back(shape[axis]);
  }
  (*out)[axis] = axis_dims.size() == 1 ? axis_dims[0] : dim_sum(axis_dims);
  return {ValueType{dtype, out}};
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Shape& shape = out[0]->shape();
  const auto axis = static_cast<size_t>(normalize_axis(node.attr_int("axis", 0), out[0]->rank()));
  const int64_t outer = dims_product(shape, 0, axis);
  const size_t elem = dtype_size(out[0]->dtype());
  const size_t out_row = static_cast<size_t>(dims_product(shape, axis, shape.size())) * elem;
  // Each outer row of the output is the inputs' rows laid side by side.
  auto* dst = static_cast<std::byte*>(out[0]->raw());
  size_t column = 0;
  for (const Tensor* part : in) {
    const size_t row = static_cast<size_t>(dims_product(part->shape(), axis, shape.size())) * elem;
    const auto* src = static_cast<const std::byte*>(part->raw());
    for (int64_t o = 0; o < outer; ++o) {
      if (row) std::memcpy(dst + static_cast<size_t>(o) * out_row + column, src + static_cast<size_t>(o) * row, row);
    }
    column += row;
  }
}

}  // namespace

extern const OpSchema kConcatOp{"", "Concat", 4, infer, run};

}  // namespace xenc
