// ConstantOfShape (opset 9): a tensor of the shape given by the int64 input,
// filled with the one-element `value` attribute (default float 0).
#include <cstring>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

// The fill value: a validated one-element tensor, or nullptr for float 0.
const Tensor* fill_value(const Node& node) {
  const Tensor* value = node.attr_tensor("value");
  if (!value) return nullptr;
  if (value->numel() != 1)
    throw Error("attribute 'value' must hold one element, has shape " + shape_str(value->shape()));
  if (dtype_size(value->dtype()) == 0)
    throw Error("attribute 'value' has unsupported dtype " + dtype_name(value->dtype()));
  return value;
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ShapeInput& shape_in = required_input(inputs, 0, "input");
  expect_dtype(shape_in, {DType::kInt64}, "input");
  const Tensor* value = fill_value(node);
  const DType dtype = value ? value->dtype() : DType::kFloat;
  const auto dims = const_ints(shape_in);
  if (!dims) {
    const auto rank = vector_length(shape_in);
    return {ValueType{dtype, rank ? std::optional<SymShape>(unknown_dims(*rank)) : std::nullopt}};
  }
  for (int64_t d : *dims) {
    if (d < 0) throw Error("shape " + shape_str(*dims) + " has a negative dim");
  }
  return {ValueType{dtype, to_sym_shape(*dims)}};
}

void run(const Node& node, std::span<const Tensor* const>, std::span<Tensor* const> out) {
  Tensor& result = *out[0];
  auto* dst = static_cast<std::byte*>(result.raw());
  const Tensor* value = fill_value(node);
  if (!value) {
    std::memset(dst, 0, result.nbytes());  // float 0 is all zero bits
    return;
  }
  const size_t elem = dtype_size(value->dtype());
  for (int64_t i = 0; i < result.numel(); ++i) std::memcpy(dst + static_cast<size_t>(i) * elem, value->raw(), elem);
}

}  // namespace

extern const OpSchema kConstantOfShapeOp{"", "ConstantOfShape", 9, infer, run};

}  // namespace xenc
