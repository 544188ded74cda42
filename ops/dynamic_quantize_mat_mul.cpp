// DynamicQuantizeMatMul (com.microsoft, ONNX Runtime contrib op): a float A
// times a quantized B,
//   (qA, a_scale, a_zero_point) = DynamicQuantizeLinear(A)     (uint8, per tensor)
//   acc = (qA - a_zero_point) x (B - b_zero_point)             (int32, as MatMulInteger)
//   Y   = float(acc) * (a_scale * b_scale) + bias
// B is uint8 or int8 with a float b_scale and an optional b_zero_point (B's
// dtype), each one value or one per column of B ([N], [..., 1, N]); bias is
// optional, [N]. The float steps are ONNX Runtime's (its kernel quantizes A
// with the same rule and scales acc by a_scale * b_scale[n] before adding
// bias[n]), so this equals the DynamicQuantizeLinear + MatMulInteger + Cast +
// Mul + Add graph its quantizer writes and its optimizer fuses into this op.
#include "ops/common/quantize.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

enum Input { kA, kB, kBScale, kBZeroPoint, kBias };

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 3, 5);
  const ShapeInput& a = required_input(inputs, kA, "A");
  const ShapeInput& b = required_input(inputs, kB, "B");
  const ShapeInput& b_scale = required_input(inputs, kBScale, "b_scale");
  expect_dtype(a, {DType::kFloat}, "A");
  expect_dtype(b, kQuantizedTypes, "B");
  expect_dtype(b_scale, {DType::kFloat}, "b_scale");
  expect_matmul_param(b_scale, b, MatMulSide::kColumnsOfB, "b_scale");
  if (inputs.size() > kBZeroPoint) {
    expect_zero_point_dtype(inputs[kBZeroPoint], b.type.dtype, "b_zero_point", "B");
    expect_matmul_param(inputs[kBZeroPoint], b, MatMulSide::kColumnsOfB, "b_zero_point");
  }
  if (inputs.size() > kBias) expect_matmul_bias(inputs[kBias], b);
  if (!a.type.shape || !b.type.shape) return {ValueType{DType::kFloat, std::nullopt}};
  return {ValueType{DType::kFloat, matmul_result_shape(*a.type.shape, *b.type.shape)}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& a = *in[kA];
  Tensor quantized(DType::kUint8, a.shape());
  const Uint8Quantization q = quantize_dynamic_uint8(a.data<float>(), a.numel(), quantized.data<uint8_t>());
  Tensor a_scale(DType::kFloat, {}), a_zero_point(DType::kUint8, {});
  a_scale.data<float>()[0] = q.scale;
  a_zero_point.data<uint8_t>()[0] = q.zero_point;

  const MatMulViews views = matmul_views(quantized, *in[kB]);
  Tensor acc(DType::kInt32, views.result);
  integer_product(views, &a_zero_point, in.size() > kBZeroPoint ? in[kBZeroPoint] : nullptr, acc);
  dequantize_product(acc, a_scale, *in[kBScale], in.size() > kBias ? in[kBias] : nullptr, *out[0]);
}

}  // namespace

extern const OpSchema kDynamicQuantizeMatMulOp{"com.microsoft", "DynamicQuantizeMatMul", 1, infer, run};

}  // namespace xenc
