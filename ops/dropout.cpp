// Dropout (opsets 7, 10, 12, 13), inference only: output = data and the
// optional mask is all true (all ones of data's type before opset 10).
// Training mode with a ratio above 0 would need random masks and is
// rejected when the training_mode input is true.
#include <algorithm>
#include <cstring>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

constexpr int kBoolMaskOpset = 10;
constexpr int kRatioInputOpset = 12;
constexpr float kDefaultRatio = 0.5f;

const std::initializer_list<DType> kDataTypes = {DType::kFloat, DType::kDouble, DType::kFloat16, DType::kBFloat16};

// Throws when the node would drop elements at random. Checked by the shape
// function, which sees input values at load (constants) and always at run time.
void expect_inference(std::span<const ShapeInput> inputs) {
  if (inputs.size() < 3 || !inputs[2].present || !inputs[2].value) return;
  if (!inputs[2].value->data<bool>()[0]) return;
  const ShapeInput* ratio = inputs[1].present ? &inputs[1] : nullptr;
  if (ratio && !ratio->value) return;  // decided at run time
  float ratio_value = kDefaultRatio;
  if (ratio) {
    dispatch_any(ratio->value->dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      ratio_value = convert_value<float>(ratio->value->data<T>()[0]);
    });
  }
  if (ratio_value > 0)
    throw Error("training_mode is true with ratio " + std::to_string(ratio_value) +
                ": random dropout is not supported (xenc runs inference only)");
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, node.opset < kRatioInputOpset ? 1 : 3);
  const ShapeInput& data = required_input(inputs, 0, "data");
  expect_dtype(data, kDataTypes, "data");
  if (inputs.size() > 1 && inputs[1].present) {
    expect_dtype(inputs[1], kDataTypes, "ratio");
    const auto& shape = inputs[1].type.shape;
    if (shape && !shape->empty()) throw Error("input 'ratio' must be a scalar, got shape " + sym_shape_str(*shape));
  }
  if (inputs.size() > 2 && inputs[2].present) {
    expect_dtype(inputs[2], {DType::kBool}, "training_mode");
    const auto& shape = inputs[2].type.shape;
    if (shape && !shape->empty())
      throw Error("input 'training_mode' must be a scalar, got shape " + sym_shape_str(*shape));
  }
  expect_inference(inputs);
  const DType mask_dtype = node.opset < kBoolMaskOpset ? data.type.dtype : DType::kBool;
  std::vector<ValueType> outputs = {data.type};
  if (node.outputs.size() > 1) outputs.push_back(ValueType{mask_dtype, data.type.shape});
  return outputs;
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  if (in[0]->nbytes()) std::memcpy(out[0]->raw(), in[0]->raw(), in[0]->nbytes());
  if (out.size() < 2 || !out[1]) return;
  Tensor& mask = *out[1];
  dispatch_any(mask.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::fill_n(mask.data<T>(), mask.numel(), convert_value<T>(true));
  });
}

}  // namespace

extern const OpSchema kDropoutOp{"", "Dropout", 7, infer, run};

}  // namespace xenc
