// SkipLayerNormalization (com.microsoft, ONNX Runtime contrib op):
//   sum    = input + skip (+ bias)
//   output = (sum - mean) / sqrt(variance + epsilon) * gamma (+ beta)
// over the last axis, with the sum optionally returned as output 3
// (input_skip_bias_sum). ONNX Runtime lets skip be (B,S,H), (1,S,H) or
// (S,H) beside a (B,S,H) input; here input and skip broadcast numpy-style
// either way, which includes those and lets a fusion of Add(a, b) leave the
// operands in any order. gamma, beta and bias are 1-D of the hidden size.
// The training outputs mean and inv_std_var are refused. int8 sessions may
// also have it return its output quantized per row for the product that
// reads it (kQuantizedRowsAttribute, ops/common/quantized_mat_mul_attributes.h).
#include "ops/common/dispatch.h"
#include "ops/common/elementwise.h"
#include "ops/common/layer_norm.h"
#include "ops/common/quantize.h"
#include "ops/common/quantized_mat_mul_attributes.h"
#include "ops/common/shape_util.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

constexpr size_t kSumOutput = 3;
// ONNX Runtime's default for this op.
constexpr float kDefaultEpsilon = 1e-12f;

void expect_hidden_vector(const ShapeInput& in, const Dim& hidden, const char* what) {
  if (!in.present || !in.type.shape) return;
  const SymShape& s = *in.type.shape;
  if (s.size() != 1) throw Error(std::string(what) + " must be 1-D, got shape " + sym_shape_str(s));
  if (s[0].is_known() && hidden.is_known() && s[0].value != hidden.value)
    throw Error(std::string(what) + " has " + std::to_string(s[0].value) + " elements, the hidden size is " +
                std::to_string(hidden.value));
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 3, 5);
  const bool quantized_rows = node.attr_int(kQuantizedRowsAttribute, 0) != 0;
  const size_t max_outputs = quantized_rows ? kQuantizedRowsOutput + 2 : kSumOutput + 1;
  if (node.outputs.empty() || node.outputs.size() > max_outputs)
    throw Error("expects 1 to " + std::to_string(max_outputs) + " outputs, got " + std::to_string(node.outputs.size()));
  if (node.has_output(1) || node.has_output(2))
    throw Error("the training outputs 'mean' and 'inv_std_var' are not supported");
  const ShapeInput& input = required_input(inputs, 0, "input");
  const ShapeInput& skip = required_input(inputs, 1, "skip");
  required_input(inputs, 2, "gamma");
  const DType dtype = common_dtype(inputs, kFloatTypes);

  std::vector<ValueType> out(node.outputs.size(), ValueType{dtype, std::nullopt});
  if (quantized_rows) {
    if (dtype != DType::kFloat) throw Error("quantized rows need float, got " + dtype_name(dtype));
    out.resize(kQuantizedRowsOutput + 2, ValueType{dtype, std::nullopt});
    out[kQuantizedRowsOutput].dtype = DType::kUint8;
  }
  if (!input.type.shape || !skip.type.shape) return out;
  const SymShape shape = broadcast_shapes(*input.type.shape, *skip.type.shape);
  if (shape.empty()) throw Error("input and skip are scalars; expected at least a hidden axis");
  const Dim hidden = shape.back();
  expect_hidden_vector(inputs[2], hidden, "gamma");
  if (inputs.size() > 3) expect_hidden_vector(inputs[3], hidden, "beta");
  if (inputs.size() > 4) expect_hidden_vector(inputs[4], hidden, "bias");
  out[0].shape = shape;
  if (out.size() > kSumOutput) out[kSumOutput].shape = shape;
  if (quantized_rows) {
    out[kQuantizedRowsOutput].shape = shape;
    SymShape params = shape;
    params.back() = Dim::known(kRowParams);
    out[kQuantizedRowsOutput + 1].shape = params;
  }
  out.resize(node.outputs.size());
  return out;
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const float epsilon = node.attr_float("epsilon", kDefaultEpsilon);
  const Tensor* beta = in.size() > 3 ? in[3] : nullptr;
  const Tensor* bias = in.size() > 4 ? in[4] : nullptr;
  Tensor& y = *out[0];
  const int64_t hidden = y.shape().back();
  const int64_t rows = hidden == 0 ? 0 : y.numel() / hidden;
  dispatch_float(y.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    // The sum goes to output 3 when requested, else into y, which each row
    // then normalises in place.
    Tensor& sum = out.size() > kSumOutput && out[kSumOutput] ? *out[kSumOutput] : y;
    binary_map<T, T, T>(*in[0], *in[1], sum, [](T a, T b) { return static_cast<T>(a + b); });
    T* s = sum.data<T>();
    if (bias)
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < hidden; ++c) s[r * hidden + c] += bias->data<T>()[c];
    for (int64_t r = 0; r < rows; ++r)
      normalize_row(s + r * hidden, hidden, in[2]->data<T>(), beta ? beta->data<T>() : nullptr, epsilon,
                    y.data<T>() + r * hidden);
  });
  if (out.size() > kQuantizedRowsOutput)
    for (int64_t r = 0; r < rows; ++r)
      quantize_row_with_params(y.data<float>() + r * hidden, hidden, out[kQuantizedRowsOutput]->data<uint8_t>() + r * hidden,
                               out[kQuantizedRowsOutput + 1]->data<float>() + r * kRowParams);
}

}  // namespace

extern const OpSchema kSkipLayerNormalizationOp{"com.microsoft", "SkipLayerNormalization", 1, infer, run,
                                                fast_or_reference<fast_skip_layer_normalization, run>};

}  // namespace xenc
