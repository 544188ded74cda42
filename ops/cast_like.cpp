// CastLike (opset 15): Y = input converted to the dtype of target_type, as
// Cast does.
#include "ops/common/convert.h"
#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 2);
  const ShapeInput& x = required_input(inputs, 0, "input");
  const ShapeInput& like = required_input(inputs, 1, "target_type");
  expect_storable(x, "input");
  expect_storable(like, "target_type");
  return {ValueType{like.type.dtype, x.type.shape}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  convert_tensor(*in[0], *out[0]);
}

}  // namespace

extern const OpSchema kCastLikeOp{"", "CastLike", 15, infer, run};

}  // namespace xenc
