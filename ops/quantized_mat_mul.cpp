// QuantizedMatMul (xenc's own domain, never written to a model file): the
// int8 form of PackedMatMul. Y = activation(dequantized(quantized A *
// B) + bias) for a float A [..., K] and a constant int8 B [K, N] stored as
// panels (ops/x86/packed_qgemm.h), where
//   - A is quantized to uint8 as ONNX's DynamicQuantizeLinear does, per row
//     (attribute a_quantization "row": each row its own scale and zero
//     point, so a row's result does not depend on the rest of the batch) or
//     over the whole tensor ("tensor", which is what ONNX Runtime's
//     dynamically quantized graphs do), or with a fixed scale and zero point
//     ("static", as QuantizeLinear in statically quantized graphs);
//   - Y[i, j] = float(sum_k (qA[i,k] - zA[i]) (B[k,j] - zB[j])) * (sA[i] * sB[j]) + bias[j],
//     or requantized as QLinearMatMul (ops/common/quantized_mat_mul_attributes.h).
// Inputs: 0 A; 1 packed B, int8 [panels, K rounded up to 4, 16]; 2 B's
// scales, float [N]; 3 B's column sums, int32 [N] (sum over k of B[k, j],
// which the fast kernel needs for the zero-point terms); 4 B's zero
// points, int8 [N], optional (0); 5 bias, float [N], optional. Attributes n
// (N) and activation "" or "gelu", as PackedMatMul, and those of
// ops/common/quantized_mat_mul_attributes.h. Sessions put it in
// place of MatMuls with constant weights when asked for int8
// (ops/fast/weight_packing.h) and of ONNX Runtime's quantized MatMul forms.
// With attribute output_widths, Y's columns go to one output per width
// (several products of one A in one node: A is quantized once). With
// attribute output_quantization "row", Y is returned quantized per row for
// the next product, which takes it as A (input 0, uint8) with the row
// parameters (input 6): ops/common/quantized_mat_mul_attributes.h.
#include <algorithm>
#include <vector>

#include "ops/common/gelu.h"
#include "ops/common/quantization.h"
#include "ops/common/quantize.h"
#include "ops/common/quantized_mat_mul_attributes.h"
#include "ops/common/shape_checks.h"
#include "ops/common/shape_util.h"
#include "ops/fast/fast_kernels.h"
#include "ops/x86/packed_qgemm.h"

namespace xenc {
namespace {

void expect_vector(std::span<const ShapeInput> inputs, size_t index, DType dtype, int64_t n, const char* what) {
  if (inputs.size() <= index || !inputs[index].present) return;
  const ShapeInput& in = inputs[index];
  if (in.type.dtype != dtype)
    throw Error(std::string(what) + " must be " + dtype_name(dtype) + ", got " + in.type.str());
  expect_rank(in, 1, what);
  if (in.type.shape) expect_same_dim((*in.type.shape)[0], Dim::known(n), what);
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 4, kRowParamsInput + 1);
  const QuantizedMatMulAttributes attributes = quantized_mat_mul_attributes(node);
  const ShapeInput& a = required_input(inputs, 0, "A");
  const ShapeInput& packed = required_input(inputs, 1, "packed B");
  required_input(inputs, 2, "B scales");
  required_input(inputs, 3, "B column sums");
  // A float, or already quantized per row (uint8 values and their row parameters).
  const bool quantized_a = inputs.size() > kRowParamsInput && inputs[kRowParamsInput].present;
  if (quantized_a) {
    if (a.type.dtype != DType::kUint8) throw Error("A with row parameters must be uint8, got " + a.type.str());
    if (attributes.a_mode != AQuantization::per_row)
      throw Error("A quantized per row (row parameters) needs a_quantization \"row\"");
    const ShapeInput& params = inputs[kRowParamsInput];
    if (params.type.dtype != DType::kFloat) throw Error("A's row parameters must be float, got " + params.type.str());
    if (a.type.shape && params.type.shape) {
      const SymShape& values = *a.type.shape;
      expect_rank(params, values.size(), "A's row parameters");
      for (size_t d = 0; d + 1 < values.size(); ++d)
        expect_same_dim((*params.type.shape)[d], values[d], "A's row parameters vs A's rows");
      expect_same_dim(params.type.shape->back(), Dim::known(kRowParams), "A's row parameters per row");
    }
  } else if (a.type.dtype != DType::kFloat) {
    throw Error("A must be float, got " + a.type.str());
  }
  if (packed.type.dtype != DType::kInt8) throw Error("packed B must be int8, got " + packed.type.str());
  const int64_t n = attributes.n;
  if (attributes.y && inputs.size() > 5 && inputs[5].present) throw Error("a requantized output (y_scale) takes no bias");
  expect_vector(inputs, 2, DType::kFloat, n, "B scales");
  expect_vector(inputs, 3, DType::kInt32, n, "B column sums");
  expect_vector(inputs, 4, DType::kInt8, n, "B zero points");
  expect_vector(inputs, 5, DType::kFloat, n, "bias");
  expect_rank(packed, 3, "packed B");
  if (!a.type.shape) {
    if (attributes.quantized_output) return {ValueType{DType::kUint8, std::nullopt}, ValueType{DType::kFloat, std::nullopt}};
    return std::vector<ValueType>(std::max<size_t>(1, attributes.output_widths.size()), ValueType{DType::kFloat, std::nullopt});
  }
  const SymShape& shape = *a.type.shape;
  if (shape.empty()) throw Error("A must have rank >= 1, got a scalar");
  const Dim& k = shape.back();
  if (k.is_known() && k.value > kQgemmMaxDepth)
    throw Error("A's last dim " + std::to_string(k.value) + " exceeds the int8 product's limit of " +
                std::to_string(kQgemmMaxDepth));
  if (packed.type.shape) {
    const SymShape& p = *packed.type.shape;
    expect_same_dim(p[0], Dim::known(qgemm_panel_count(n)), "packed B's panel count vs attribute n");
    if (k.is_known()) expect_same_dim(p[1], Dim::known(qgemm_padded_depth(k.value)), "packed B's depth vs A's last dim");
    expect_same_dim(p[2], Dim::known(kQPanelWidth), "packed B's panel width");
  }
  if (attributes.quantized_output) {
    SymShape values = shape, params = shape;
    values.back() = Dim::known(n);
    params.back() = Dim::known(kRowParams);
    return {ValueType{DType::kUint8, values}, ValueType{DType::kFloat, params}};
  }
  std::vector<ValueType> outputs;
  for (int64_t width : attributes.output_widths.empty() ? std::vector<int64_t>{n} : attributes.output_widths) {
    SymShape out = shape;
    out.back() = Dim::known(width);
    outputs.push_back(ValueType{DType::kFloat, out});
  }
  return outputs;
}

// Quantizes A with the scalar rules, multiplies in 64-bit integers reading B
// through the packed layout, then dequantizes (or requantizes), adds the
// bias and applies the activation as separate ops would.
void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const QuantizedMatMulAttributes attributes = quantized_mat_mul_attributes(node);
  const Shape& a_shape = in[0]->shape();
  const int64_t n = attributes.n, k = a_shape.back();
  int64_t m = 1;
  for (size_t d = 0; d + 1 < a_shape.size(); ++d) m *= a_shape[d];
  // A already quantized per row: its values and each row's parameters.
  const float* row_params = in.size() > kRowParamsInput && in[kRowParamsInput] ? in[kRowParamsInput]->data<float>() : nullptr;
  const float* a = row_params ? nullptr : in[0]->data<float>();
  const int8_t* packed = in[1]->data<int8_t>();
  const float* b_scale = in[2]->data<float>();
  const int8_t* b_zero = in.size() > 4 && in[4] ? in[4]->data<int8_t>() : nullptr;
  const float* bias = in.size() > 5 && in[5] ? in[5]->data<float>() : nullptr;
  const int64_t depth = qgemm_padded_depth(k);

  const auto range_of = [](const float* x, int64_t count) {
    float low = 0, high = 0;  // the quantized range holds 0 anyway
    for (int64_t i = 0; i < count; ++i)
      if (x[i] < low) low = x[i]; else if (x[i] > high) high = x[i];
    return dynamic_uint8_quantization(low, high);
  };
  const Uint8Quantization whole = attributes.a_mode == AQuantization::per_tensor ? range_of(a, m * k)
                                                                                  : attributes.a_fixed;
  // Split or quantized outputs are written from one whole float Y.
  const bool whole_y_first = !attributes.output_widths.empty() || attributes.quantized_output;
  std::vector<float> whole_y(whole_y_first ? static_cast<size_t>(m * n) : 0);
  float* y = whole_y_first ? whole_y.data() : out[0]->data<float>();
  std::vector<int64_t> qa(static_cast<size_t>(k));
  for (int64_t i = 0; i < m; ++i) {
    Uint8Quantization q;
    if (row_params) {
      q = {row_params[i * kRowParams], static_cast<uint8_t>(row_params[i * kRowParams + 1])};
      for (int64_t p = 0; p < k; ++p) qa[p] = int64_t{in[0]->data<uint8_t>()[i * k + p]} - q.zero_point;
    } else {
      q = attributes.a_mode == AQuantization::per_row ? range_of(a + i * k, k) : whole;
      for (int64_t p = 0; p < k; ++p) qa[p] = int64_t{quantize_uint8(a[i * k + p], q)} - q.zero_point;
    }
    for (int64_t j = 0; j < n; ++j) {
      const int8_t* column = packed + (j / kQPanelWidth) * depth * kQPanelWidth + (j % kQPanelWidth) * kQDepthGroup;
      const int64_t zero = b_zero ? b_zero[j] : 0;
      int64_t sum = 0;
      for (int64_t p = 0; p < k; ++p)
        sum += qa[p] * (column[(p / kQDepthGroup) * kQDepthGroup * kQPanelWidth + p % kQDepthGroup] - zero);
      if (attributes.y) {
        const Uint8Quantization yq = *attributes.y;
        const uint8_t level = saturate_rounded<uint8_t>(static_cast<float>(sum) * (q.scale * b_scale[j] / yq.scale),
                                                        yq.zero_point);
        y[i * n + j] = static_cast<float>(level - yq.zero_point) * yq.scale;
        continue;
      }
      float v = static_cast<float>(sum) * (q.scale * b_scale[j]);
      if (bias) v += bias[j];
      y[i * n + j] = attributes.gelu ? ErfGelu()(v) : v;
    }
  }
  if (attributes.quantized_output)
    for (int64_t i = 0; i < m; ++i)
      quantize_row_with_params(y + i * n, n, out[0]->data<uint8_t>() + i * n, out[1]->data<float>() + i * kRowParams);
  int64_t first = 0;
  for (size_t o = 0; o < attributes.output_widths.size(); ++o) {
    const int64_t width = attributes.output_widths[o];
    for (int64_t i = 0; i < m; ++i)
      std::copy_n(whole_y.data() + i * n + first, width, out[o]->data<float>() + i * width);
    first += width;
  }
}

}  // namespace

extern const OpSchema kQuantizedMatMulOp{"xenc", "QuantizedMatMul", 1, infer, run,
                                         fast_or_reference<fast_quantized_mat_mul, run>};

}  // namespace xenc
