#include "ops/common/gelu.h"

#include "ops/common/shape_util.h"

namespace xenc {

std::vector<ValueType> infer_bias_activation(std::span<const ShapeInput> inputs, size_t min_inputs) {
  if (inputs.size() < min_inputs || inputs.size() > 2)
    throw Error("expects " + (min_inputs == 2 ? std::string("2") : std::to_string(min_inputs) + " to 2") +
                " inputs, got " + std::to_string(inputs.size()));
  const ShapeInput& x = required_input(inputs, 0, "X");
  const DType dtype = common_dtype(inputs, kFloatTypes);
  const bool has_bias = inputs.size() == 2 && inputs[1].present;
  if (!has_bias) return {ValueType{dtype, x.type.shape}};
  const ShapeInput& bias = inputs[1];
  if (bias.type.shape && bias.type.shape->size() != 1)
    throw Error("bias must be 1-D, got shape " + sym_shape_str(*bias.type.shape));
  if (!x.type.shape || !bias.type.shape) return {ValueType{dtype, std::nullopt}};
  return {ValueType{dtype, broadcast_shapes(*x.type.shape, *bias.type.shape)}};
}

}  // namespace xenc
