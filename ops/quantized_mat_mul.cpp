// QuantizedMatMul (xenc's own domain, never written to a model file): the
// int8 form of PackedMatMul. Y = activation(dequantized(quantized A *
// B) + bias) for a float A [..., K] and a constant int8 B [K, N] stored as
// panels (ops/x86/packed_qgemm.h), where
//   - A is quantized to uint8 as ONNX's DynamicQuantizeLinear does, per row
//     (attribute a_quantization "row": each row its own scale and zero
//     point, so a row's result does not depend on the rest of the batch) or
//     over the whole tensor ("tensor", which is what ONNX Runtime's
//     dynamically quantized graphs do);
//   - Y[i, j] = float(sum_k (qA[i,k] - zA[i]) (B[k,j] - zB[j])) * (sA[i] * sB[j]) + bias[j].
// Inputs: 0 A; 1 packed B, int8 [panels, K rounded up to 4, 16]; 2 B's
// scales, float [N]; 3 B's column sums, int32 [N] (sum over k of B[k, j],
// which the fast kernel needs for the zero-point terms); 4 B's zero
// points, int8 [N], optional (0); 5 bias, float [N], optional. Attributes n
// (N) and activation "" or "gelu", as PackedMatMul. Sessions put it in
// place of MatMuls with constant weights when asked for int8
// (ops/fast/weight_packing.h) and of ONNX Runtime's quantized MatMul forms.
#include <vector>

#include "ops/common/gelu.h"
#include "ops/common/quantization.h"
#include "ops/common/shape_checks.h"
#include "ops/common/shape_util.h"
#include "ops/fast/fast_kernels.h"
#include "ops/x86/packed_qgemm.h"

namespace xenc {
namespace {

int64_t column_count(const Node& node) {
  const int64_t n = node.attr_int("n", -1);
  if (n < 0) throw Error("attribute n (the column count) must be given and >= 0, got " + std::to_string(n));
  return n;
}

bool has_gelu(const Node& node) {
  const std::string activation = node.attr_string("activation", "");
  if (activation != "" && activation != "gelu")
    throw Error("attribute activation must be \"\" or \"gelu\", got \"" + activation + "\"");
  return activation == "gelu";
}

bool per_row(const Node& node) {
  const std::string mode = node.attr_string("a_quantization", "row");
  if (mode != "row" && mode != "tensor")
    throw Error("attribute a_quantization must be \"row\" or \"tensor\", got \"" + mode + "\"");
  return mode == "row";
}

void expect_vector(std::span<const ShapeInput> inputs, size_t index, DType dtype, int64_t n, const char* what) {
  if (inputs.size() <= index || !inputs[index].present) return;
  const ShapeInput& in = inputs[index];
  if (in.type.dtype != dtype)
    throw Error(std::string(what) + " must be " + dtype_name(dtype) + ", got " + in.type.str());
  expect_rank(in, 1, what);
  if (in.type.shape) expect_same_dim((*in.type.shape)[0], Dim::known(n), what);
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 4, 6);
  has_gelu(node);
  per_row(node);
  const ShapeInput& a = required_input(inputs, 0, "A");
  const ShapeInput& packed = required_input(inputs, 1, "packed B");
  required_input(inputs, 2, "B scales");
  required_input(inputs, 3, "B column sums");
  if (a.type.dtype != DType::kFloat) throw Error("A must be float, got " + a.type.str());
  if (packed.type.dtype != DType::kInt8) throw Error("packed B must be int8, got " + packed.type.str());
  const int64_t n = column_count(node);
  expect_vector(inputs, 2, DType::kFloat, n, "B scales");
  expect_vector(inputs, 3, DType::kInt32, n, "B column sums");
  expect_vector(inputs, 4, DType::kInt8, n, "B zero points");
  expect_vector(inputs, 5, DType::kFloat, n, "bias");
  expect_rank(packed, 3, "packed B");
  if (!a.type.shape) return {ValueType{DType::kFloat, std::nullopt}};
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
  SymShape out = shape;
  out.back() = Dim::known(n);
  return {ValueType{DType::kFloat, out}};
}

// Quantizes A with the scalar rules, multiplies in 64-bit integers reading B
// through the packed layout, then dequantizes, adds the bias and applies the
// activation as separate ops would.
void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const int64_t n = column_count(node), k = in[0]->shape().back(), m = n == 0 ? 0 : out[0]->numel() / n;
  const float* a = in[0]->data<float>();
  const int8_t* packed = in[1]->data<int8_t>();
  const float* b_scale = in[2]->data<float>();
  const int8_t* b_zero = in.size() > 4 && in[4] ? in[4]->data<int8_t>() : nullptr;
  const float* bias = in.size() > 5 && in[5] ? in[5]->data<float>() : nullptr;
  const bool gelu = has_gelu(node);
  const int64_t depth = qgemm_padded_depth(k);

  const auto range_of = [&](int64_t first, int64_t count) {
    float low = 0, high = 0;  // the quantized range holds 0 anyway
    for (int64_t i = first; i < first + count; ++i)
      if (a[i] < low) low = a[i]; else if (a[i] > high) high = a[i];
    return dynamic_uint8_quantization(low, high);
  };
  const Uint8Quantization whole = per_row(node) ? Uint8Quantization{} : range_of(0, m * k);
  float* y = out[0]->data<float>();
  std::vector<int64_t> qa(static_cast<size_t>(k));
  for (int64_t i = 0; i < m; ++i) {
    const Uint8Quantization q = per_row(node) ? range_of(i * k, k) : whole;
    for (int64_t p = 0; p < k; ++p) qa[p] = int64_t{quantize_uint8(a[i * k + p], q)} - q.zero_point;
    for (int64_t j = 0; j < n; ++j) {
      const int8_t* column = packed + (j / kQPanelWidth) * depth * kQPanelWidth + (j % kQPanelWidth) * kQDepthGroup;
      const int64_t zero = b_zero ? b_zero[j] : 0;
      int64_t sum = 0;
      for (int64_t p = 0; p < k; ++p)
        sum += qa[p] * (column[(p / kQDepthGroup) * kQDepthGroup * kQPanelWidth + p % kQDepthGroup] - zero);
      float v = static_cast<float>(sum) * (q.scale * b_scale[j]);
      if (bias) v += bias[j];
      y[i * n + j] = gelu ? ErfGelu()(v) : v;
    }
  }
}

}  // namespace

extern const OpSchema kQuantizedMatMulOp{"xenc", "QuantizedMatMul", 1, infer, run,
                                         fast_or_reference<fast_quantized_mat_mul, run>};

}  // namespace xenc
