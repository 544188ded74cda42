// Expand (opsets 8, 13): broadcasts the input against `shape` (numpy rules in
// both directions, so a 1 in `shape` keeps the input's dim).
#include <algorithm>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 2);
  const ShapeInput& data = required_input(inputs, 0, "input");
  const ShapeInput& shape_in = required_input(inputs, 1, "shape");
  expect_storable(data, "input");
  expect_dtype(shape_in, {DType::kInt64}, "shape");
  const DType dtype = data.type.dtype;
  const auto requested = const_ints(shape_in);
  if (!requested) {
    // Without the values the rank is still the larger of the two.
    const auto length = vector_length(shape_in);
    if (!length || !data.type.shape) return {ValueType{dtype, std::nullopt}};
    return {ValueType{dtype, unknown_dims(std::max(*length, static_cast<int64_t>(data.type.shape->size())))}};
  }
  for (int64_t d : *requested) {
    if (d < 0) throw Error("shape " + shape_str(*requested) + " has a negative dim");
  }
  if (!data.type.shape) return {ValueType{dtype, std::nullopt}};
  return {ValueType{dtype, broadcast_shapes(*data.type.shape, to_sym_shape(*requested))}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  strided_copy(*in[0], 0, broadcast_strides(in[0]->shape(), out[0]->shape()), *out[0]);
}

}  // namespace

extern const OpSchema kExpandOp{"", "Expand", 8, infer, run};

}  // namespace xenc
