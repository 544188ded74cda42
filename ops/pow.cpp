// Pow (opsets 7, 12, 13, 15): Z = X ^ Y with numpy broadcasting; from opset
// 12 the exponent may have another numeric type. The result has X's type.
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

const std::initializer_list<DType> kBaseTypes = {DType::kFloat, DType::kDouble, DType::kInt32, DType::kInt64};

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 2);
  const ShapeInput& base = required_input(inputs, 0, "X");
  const ShapeInput& exponent = required_input(inputs, 1, "Y");
  expect_dtype(base, kBaseTypes, "X");
  expect_dtype(exponent, kNumericTypes, "Y");
  if (node.opset < 12 && base.type.dtype != DType::kUndefined && exponent.type.dtype != DType::kUndefined &&
      base.type.dtype != exponent.type.dtype)
    throw Error("X and Y must have the same dtype before opset 12, got " + dtype_name(base.type.dtype) + " and " +
                dtype_name(exponent.type.dtype));
  return {ValueType{base.type.dtype, broadcast_inputs(inputs)}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_numeric(in[0]->dtype(), [&](auto base_tag) {
    using T = typename decltype(base_tag)::type;
    dispatch_numeric(in[1]->dtype(), [&](auto exponent_tag) {
      using E = typename decltype(exponent_tag)::type;
      // Computing in double covers every type pair with one rule: a float
      // result is rounded once from the double power; an integer result is
      // exact up to 2^53 and saturates outside its type's range.
      binary_map<T, E, T>(*in[0], *in[1], *out[0], [](T x, E y) {
        return convert_value<T>(std::pow(static_cast<double>(x), static_cast<double>(y)));
      });
    });
  });
}

}  // namespace

extern const OpSchema kPowOp{"", "Pow", 7, infer, run};

}  // namespace xenc
