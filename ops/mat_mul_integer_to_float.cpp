// MatMulIntegerToFloat (com.microsoft, ONNX Runtime contrib op): the float
// result of a product of two quantized tensors,
//   acc = (A - a_zero_point) x (B - b_zero_point)              (int32, as MatMulInteger)
//   Y   = float(acc) * (a_scale * b_scale) + bias
// A and B are uint8 or int8; the optional zero points have their operand's
// dtype and MatMulInteger's shapes (one value, per row of A, per column of
// B). Each float scale is one value, per row of A ([..., M, 1]) or per
// column of B ([N], [..., 1, N]); a 1-D scale is per column in either input
// (ONNX Runtime's fusion may write B's scale as a_scale, and its kernel
// swaps them back by that rule). bias is optional, [N]. ONNX Runtime's
// kernel multiplies a non-scalar a_scale in after adding the bias; here
// bias is always added last, as in the unfused graph.
#include "ops/common/quantize.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

enum Input { kA, kB, kAScale, kBScale, kAZeroPoint, kBZeroPoint, kBias };

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 4, 7);
  const ShapeInput& a = required_input(inputs, kA, "A");
  const ShapeInput& b = required_input(inputs, kB, "B");
  const ShapeInput& a_scale = required_input(inputs, kAScale, "a_scale");
  const ShapeInput& b_scale = required_input(inputs, kBScale, "b_scale");
  expect_dtype(a, kQuantizedTypes, "A");
  expect_dtype(b, kQuantizedTypes, "B");
  expect_dtype(a_scale, {DType::kFloat}, "a_scale");
  expect_dtype(b_scale, {DType::kFloat}, "b_scale");
  expect_matmul_scale(a_scale, a, b, "a_scale");
  expect_matmul_scale(b_scale, a, b, "b_scale");
  if (inputs.size() > kAZeroPoint) {
    expect_zero_point_dtype(inputs[kAZeroPoint], a.type.dtype, "a_zero_point", "A");
    expect_matmul_param(inputs[kAZeroPoint], a, MatMulSide::kRowsOfA, "a_zero_point");
  }
  if (inputs.size() > kBZeroPoint) {
    expect_zero_point_dtype(inputs[kBZeroPoint], b.type.dtype, "b_zero_point", "B");
    expect_matmul_param(inputs[kBZeroPoint], b, MatMulSide::kColumnsOfB, "b_zero_point");
  }
  if (inputs.size() > kBias) expect_matmul_bias(inputs[kBias], b);
  if (!a.type.shape || !b.type.shape) return {ValueType{DType::kFloat, std::nullopt}};
  return {ValueType{DType::kFloat, matmul_result_shape(*a.type.shape, *b.type.shape)}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const auto optional = [&](size_t i) { return in.size() > i ? in[i] : nullptr; };
  const MatMulViews views = matmul_views(*in[kA], *in[kB]);
  Tensor acc(DType::kInt32, views.result);
  integer_product(views, optional(kAZeroPoint), optional(kBZeroPoint), acc);
  dequantize_product(acc, *in[kAScale], *in[kBScale], optional(kBias), *out[0]);
}

}  // namespace

extern const OpSchema kMatMulIntegerToFloatOp{"com.microsoft", "MatMulIntegerToFloat", 1, infer, run};

}  // namespace xenc
