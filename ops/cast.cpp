// Cast (opsets 6, 9, 13): Y = X converted to the dtype in attribute `to`,
// among every stored dtype (see convert_value for the rounding rules).
// String tensors are not supported.
#include <limits>

#include "ops/common/convert.h"
#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ShapeInput& x = required_input(inputs, 0, "input");
  expect_storable(x, "input");
  if (!node.has_attr("to")) throw Error("missing attribute 'to'");
  const int64_t to = node.attr_int("to", 0);
  if (to <= 0 || to > std::numeric_limits<int32_t>::max())
    throw Error("attribute 'to' is not a dtype: " + std::to_string(to));
  const DType target = static_cast<DType>(to);
  if (!dtype_supported(static_cast<int32_t>(to))) throw Error("cannot cast to dtype " + dtype_name(target));
  return {ValueType{target, x.type.shape}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  convert_tensor(*in[0], *out[0]);
}

}  // namespace

extern const OpSchema kCastOp{"", "Cast", 6, infer, run};

}  // namespace xenc
