// QLinearMatMul (opset 10): the product of two quantized tensors, requantized:
//   acc = (a - a_zero_point) x (b - b_zero_point)              (int32, as MatMulInteger)
//   y   = saturate(round(acc * (a_scale * b_scale / y_scale)) + y_zero_point)
// with the multiplier formed in float in that order and round half to even,
// as ONNX Runtime's requantization does. a and b are uint8 or int8; each
// scale / zero point pair of a is one value or one per row, of b one value
// or one per column (the shapes of MatMulInteger's zero points), of y one
// value; y has y_zero_point's dtype.
#include "ops/common/quantize.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

enum Input { kA, kAScale, kAZeroPoint, kB, kBScale, kBZeroPoint, kYScale, kYZeroPoint, kInputCount };

void expect_float(const ShapeInput& in, const char* what) {
  if (in.type.dtype != DType::kUndefined && in.type.dtype != DType::kFloat)
    throw Error(std::string(what) + " must be float, got " + dtype_name(in.type.dtype));
}

void expect_one_element(const ShapeInput& in, const char* what) {
  if (in.type.shape && !is_one_element(*in.type.shape))
    throw Error(std::string(what) + " must have one element (y is quantized per tensor), got shape " +
                sym_shape_str(*in.type.shape));
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, kInputCount, kInputCount);
  const ShapeInput& a = required_input(inputs, kA, "a");
  const ShapeInput& b = required_input(inputs, kB, "b");
  expect_dtype(a, kQuantizedTypes, "a");
  expect_dtype(b, kQuantizedTypes, "b");
  const ShapeInput& y_zero_point = required_input(inputs, kYZeroPoint, "y_zero_point");
  expect_dtype(y_zero_point, kQuantizedTypes, "y_zero_point");
  expect_zero_point_dtype(required_input(inputs, kAZeroPoint, "a_zero_point"), a.type.dtype, "a_zero_point", "a");
  expect_zero_point_dtype(required_input(inputs, kBZeroPoint, "b_zero_point"), b.type.dtype, "b_zero_point", "b");
  expect_float(required_input(inputs, kAScale, "a_scale"), "a_scale");
  expect_float(required_input(inputs, kBScale, "b_scale"), "b_scale");
  expect_float(required_input(inputs, kYScale, "y_scale"), "y_scale");
  expect_matmul_param(inputs[kAScale], a, MatMulSide::kRowsOfA, "a_scale");
  expect_matmul_param(inputs[kAZeroPoint], a, MatMulSide::kRowsOfA, "a_zero_point");
  expect_matmul_param(inputs[kBScale], b, MatMulSide::kColumnsOfB, "b_scale");
  expect_matmul_param(inputs[kBZeroPoint], b, MatMulSide::kColumnsOfB, "b_zero_point");
  expect_one_element(inputs[kYScale], "y_scale");
  expect_one_element(y_zero_point, "y_zero_point");
  if (!a.type.shape || !b.type.shape) return {ValueType{y_zero_point.type.dtype, std::nullopt}};
  return {ValueType{y_zero_point.type.dtype, matmul_result_shape(*a.type.shape, *b.type.shape)}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const MatMulViews views = matmul_views(*in[kA], *in[kB]);
  Tensor acc(DType::kInt32, views.result);
  integer_product(views, in[kAZeroPoint], in[kBZeroPoint], acc);
  const std::vector<int64_t> strides[2] = {param_strides(*in[kAScale], MatMulSide::kRowsOfA, views.result),
                                           param_strides(*in[kBScale], MatMulSide::kColumnsOfB, views.result)};
  const float* a_scale = in[kAScale]->data<float>();
  const float* b_scale = in[kBScale]->data<float>();
  const float y_scale = in[kYScale]->data<float>()[0];
  const int32_t* pacc = acc.data<int32_t>();
  dispatch_quantized(out[0]->dtype(), [&](auto tag) {
    using Q = typename decltype(tag)::type;
    const int32_t zero_point = in[kYZeroPoint]->data<Q>()[0];
    Q* y = out[0]->data<Q>();
    for_each_broadcast(views.result, strides, [&](int64_t o, const int64_t* off) {
      const float multiplier = a_scale[off[0]] * b_scale[off[1]] / y_scale;
      y[o] = saturate_rounded<Q>(static_cast<float>(pacc[o]) * multiplier, zero_point);
    });
  });
}

}  // namespace

extern const OpSchema kQLinearMatMulOp{"", "QLinearMatMul", 10, infer, run};

}  // namespace xenc
