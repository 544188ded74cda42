// QuantizeLinear (opsets 10, 13): y = saturate(round(x / y_scale) + y_zero_point)
// with round half to even, into the zero point's dtype (uint8 or int8; uint8
// when y_zero_point is omitted). x is float, or int32 converted to float
// first. Per tensor (y_scale of one element) or, from opset 13, per axis (a
// 1-D y_scale of x.shape[axis] elements, attribute axis, default 1). The
// float8 and 4/16-bit forms of opsets 19 and 21 are beyond the opsets xenc
// accepts.
#include "ops/common/quantize.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 3);
  const ShapeInput& x = required_input(inputs, 0, "x");
  const ShapeInput& scale = required_input(inputs, 1, "y_scale");
  expect_dtype(x, {DType::kFloat, DType::kInt32}, "x");
  const ShapeInput* zero_point = inputs.size() == 3 && inputs[2].present ? &inputs[2] : nullptr;
  if (zero_point) expect_dtype(*zero_point, kQuantizedTypes, "y_zero_point");
  expect_linear_params(node, x, scale, zero_point, "y_scale", "y_zero_point");
  return {ValueType{zero_point ? zero_point->type.dtype : DType::kUint8, x.type.shape}};
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const Tensor* zero_point = in.size() == 3 ? in[2] : nullptr;
  const ChannelLayout layout = channel_layout(node, x.shape(), in[1]->shape());
  const float* scale = in[1]->data<float>();
  dispatch_quantized(out[0]->dtype(), [&](auto tag) {
    using Q = typename decltype(tag)::type;
    const Q* z = zero_point ? zero_point->data<Q>() : nullptr;
    Q* y = out[0]->data<Q>();
    const auto quantize_all = [&](const auto* px) {
      for (int64_t i = 0, n = x.numel(); i < n; ++i) {
        const int64_t c = layout.channel(i);
        y[i] = quantize_value<Q>(static_cast<float>(px[i]), scale[c], z ? z[c] : 0);
      }
    };
    if (x.dtype() == DType::kFloat) {
      quantize_all(x.data<float>());
    } else {
      quantize_all(x.data<int32_t>());
    }
  });
}

}  // namespace

extern const OpSchema kQuantizeLinearOp{"", "QuantizeLinear", 10, infer, run};

}  // namespace xenc
