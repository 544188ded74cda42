// DynamicQuantizeLinear (opset 11): quantizes a float tensor to uint8 with a
// scale and zero point chosen from its own range (see
// dynamic_uint8_params: the range is widened to include 0, scale =
// range / 255, and an all-zero input gets scale 1 as in ONNX Runtime), then
// y = saturate(round(x / y_scale) + y_zero_point), round half to even.
// Outputs y (uint8, x's shape), y_scale (float scalar) and y_zero_point
// (uint8 scalar).
#include "ops/common/quantize.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ShapeInput& x = required_input(inputs, 0, "x");
  expect_dtype(x, {DType::kFloat}, "x");
  if (node.outputs.empty() || node.outputs.size() > 3)
    throw Error("expects 1 to 3 outputs, got " + std::to_string(node.outputs.size()));
  return {ValueType{DType::kUint8, x.type.shape}, ValueType{DType::kFloat, SymShape{}},
          ValueType{DType::kUint8, SymShape{}}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Uint8Quantization q = quantize_dynamic_uint8(in[0]->data<float>(), in[0]->numel(), out[0]->data<uint8_t>());
  if (out.size() > 1 && out[1]) out[1]->data<float>()[0] = q.scale;
  if (out.size() > 2 && out[2]) out[2]->data<uint8_t>()[0] = q.zero_point;
}

}  // namespace

extern const OpSchema kDynamicQuantizeLinearOp{"", "DynamicQuantizeLinear", 11, infer, run};

}  // namespace xenc
