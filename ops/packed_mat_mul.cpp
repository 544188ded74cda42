// PackedMatMul (xenc's own domain, never written to a model file):
// Y = activation(A * B + bias) for a float A [..., K] and a constant B [K, N]
// that the session stored as panels, input 1: float panels
// (ops/x86/packed_sgemm.h) of shape [panels, K, 16], or bf16 panels
// (ops/x86/packed_bgemm.h) of shape [panels, K rounded up to even, 16], in
// which case A is rounded to bf16 too and the products are of bf16 values
// (summed in float). Attribute n is N; the optional input 2 is a bias
// of N floats; attribute activation is "" (none) or "gelu" (erf GELU, as
// com.microsoft BiasGelu). Sessions put it in place of such MatMuls when
// they use the fast kernels (ops/fast/weight_packing.h).
#include <algorithm>

#include "ops/common/gelu.h"
#include "ops/common/shape_checks.h"
#include "ops/common/shape_util.h"
#include "ops/fast/fast_kernels.h"
#include "ops/x86/packed_bgemm.h"
#include "ops/x86/packed_sgemm.h"

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

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 3);
  has_gelu(node);
  const ShapeInput& a = required_input(inputs, 0, "A");
  const ShapeInput& packed = required_input(inputs, 1, "packed B");
  const bool bf16 = packed.type.dtype == DType::kBFloat16;
  if (a.type.dtype != DType::kFloat || !(packed.type.dtype == DType::kFloat || bf16))
    throw Error("A must be float and packed B float or bfloat16, got " + a.type.str() + " and " + packed.type.str());
  const int64_t n = column_count(node);
  if (!a.type.shape) return {ValueType{DType::kFloat, std::nullopt}};
  const SymShape& shape = *a.type.shape;
  if (shape.empty()) throw Error("A must have rank >= 1, got a scalar");
  expect_rank(packed, 3, "packed B");
  if (packed.type.shape) {
    const SymShape& p = *packed.type.shape;
    expect_same_dim(p[0], Dim::known(packed_panel_count(n)), "packed B's panel count vs attribute n");
    const Dim& k = shape.back();
    if (!bf16) expect_same_dim(p[1], k, "packed B's rows vs A's last dim");
    if (bf16 && k.is_known()) expect_same_dim(p[1], Dim::known(bgemm_padded_depth(k.value)), "packed B's rows vs A's last dim");
    expect_same_dim(p[2], Dim::known(kPackedPanelWidth), "packed B's panel width");
  }
  if (inputs.size() == 3 && inputs[2].present) {
    const ShapeInput& bias = inputs[2];
    if (bias.type.dtype != DType::kFloat) throw Error("bias must be float, got " + bias.type.str());
    expect_rank(bias, 1, "bias");
    if (bias.type.shape) expect_same_dim((*bias.type.shape)[0], Dim::known(n), "bias length vs attribute n");
  }
  SymShape out = shape;
  out.back() = Dim::known(n);
  return {ValueType{DType::kFloat, out}};
}

// B[p, j] read through either packed layout.
float packed_weight(const Tensor& packed, int64_t k, int64_t p, int64_t j) {
  const int64_t panel = j / kPackedPanelWidth, column = j % kPackedPanelWidth;
  if (packed.dtype() == DType::kFloat)
    return packed.data<float>()[(panel * k + p) * kPackedPanelWidth + column];
  const int64_t pair = p / kBDepthPair, depth = bgemm_padded_depth(k);
  return to_float(packed.data<BFloat16>()[(panel * depth + pair * kBDepthPair) * kBPanelWidth +
                                          column * kBDepthPair + p % kBDepthPair]);
}

// Double accumulation, reading B through the packed layout (and A rounded
// to bf16 against bf16 panels); bias and activation then apply to the float
// product as separate ops would.
void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const int64_t n = column_count(node), k = in[0]->shape().back(), m = n == 0 ? 0 : out[0]->numel() / n;
  const float* a = in[0]->data<float>();
  const bool bf16 = in[1]->dtype() == DType::kBFloat16;
  float* y = out[0]->data<float>();
  const float* bias = in.size() == 3 && in[2] ? in[2]->data<float>() : nullptr;
  const bool gelu = has_gelu(node);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t p = 0; p < k; ++p) {
        const float a_value = bf16 ? to_float(to_bfloat16(a[i * k + p])) : a[i * k + p];
        sum += double(a_value) * double(packed_weight(*in[1], k, p, j));
      }
      float v = static_cast<float>(sum);
      if (bias) v += bias[j];
      y[i * n + j] = gelu ? ErfGelu()(v) : v;
    }
}

}  // namespace

extern const OpSchema kPackedMatMulOp{"xenc", "PackedMatMul", 1, infer, run,
                                      fast_or_reference<fast_packed_mat_mul, run>};

}  // namespace xenc
