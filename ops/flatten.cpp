// Flatten (opsets 1, 9, 11, 13): reshapes to 2-D [prod(dims[:axis]),
// prod(dims[axis:])]; axis in [-rank, rank], default 1.
#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ShapeInput& data = required_input(inputs, 0, "input");
  expect_storable(data, "input");
  if (!data.type.shape) return {ValueType{data.type.dtype, unknown_dims(2)}};
  const SymShape& in = *data.type.shape;
  const auto rank = static_cast<int64_t>(in.size());
  int64_t axis = node.attr_int("axis", 1);
  // Unlike most axes, rank itself is valid here (everything goes to the outer dim).
  if (axis < -rank || axis > rank)
    throw Error("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  if (axis < 0) axis += rank;
  const std::span<const Dim> dims(in);
  const auto split = static_cast<size_t>(axis);
  return {ValueType{data.type.dtype, SymShape{dim_product(dims.first(split)), dim_product(dims.subspan(split))}}};
}

}  // namespace

extern const OpSchema kFlattenOp{"", "Flatten", 1, infer, copy_first_input};

}  // namespace xenc
