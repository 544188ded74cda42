// DequantizeLinear (opsets 10, 13): y = (x - x_zero_point) * x_scale in float,
// for x uint8, int8 or int32 and an optional zero point of x's dtype
// (default 0; ONNX means int32 x to have none, and a given one is
// subtracted all the same). The difference is exact (formed in int64),
// then converted to float and multiplied. Per tensor (x_scale of one
// element) or, from opset 13, per axis (a 1-D x_scale of x.shape[axis]
// elements, attribute axis, default 1).
#include "ops/common/quantize.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 3);
  const ShapeInput& x = required_input(inputs, 0, "x");
  const ShapeInput& scale = required_input(inputs, 1, "x_scale");
  expect_dtype(x, {DType::kUint8, DType::kInt8, DType::kInt32}, "x");
  const ShapeInput* zero_point = inputs.size() == 3 && inputs[2].present ? &inputs[2] : nullptr;
  if (zero_point) expect_zero_point_dtype(*zero_point, x.type.dtype, "x_zero_point", "x");
  expect_linear_params(node, x, scale, zero_point, "x_scale", "x_zero_point");
  return {ValueType{DType::kFloat, x.type.shape}};
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const Tensor* zero_point = in.size() == 3 ? in[2] : nullptr;
  const ChannelLayout layout = channel_layout(node, x.shape(), in[1]->shape());
  const float* scale = in[1]->data<float>();
  float* y = out[0]->data<float>();
  const auto dequantize_all = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* px = x.data<T>();
    const T* z = zero_point ? zero_point->data<T>() : nullptr;
    for (int64_t i = 0, n = x.numel(); i < n; ++i) {
      const int64_t c = layout.channel(i);
      const int64_t diff = static_cast<int64_t>(px[i]) - (z ? static_cast<int64_t>(z[c]) : 0);
      y[i] = static_cast<float>(diff) * scale[c];
    }
  };
  if (x.dtype() == DType::kInt32) {
    dequantize_all(TypeTag<int32_t>{});
  } else {
    dispatch_quantized(x.dtype(), dequantize_all);
  }
}

}  // namespace

extern const OpSchema kDequantizeLinearOp{"", "DequantizeLinear", 10, infer, run};

}  // namespace xenc
