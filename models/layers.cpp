#include "models/layers.h"

#include <numbers>

#include "graph/passes/pattern.h"

namespace xenc {

namespace {

Tensor transposed(const Tensor& matrix) {
  const int64_t rows = matrix.dim(0);
  const int64_t cols = matrix.dim(1);
  Tensor out(DType::kFloat, {cols, rows});
  const float* in = matrix.data<float>();
  float* t = out.data<float>();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) t[c * rows + r] = in[r * cols + c];
  return out;
}

}  // namespace

std::string linear(GraphBuilder& builder, const std::string& scope, const std::string& x, const std::string& module,
                   const Tensor& weight, Tensor bias) {
  const std::string w = builder.add_initializer(module + ".weight.transposed", transposed(weight));
  const std::string b = builder.add_initializer(module + ".bias", std::move(bias));
  const std::string product = builder.add_node(scope, "MatMul", {x, w});
  return builder.add_node(scope, "Add", {b, product});
}

std::string gemm_linear(GraphBuilder& builder, const std::string& scope, const std::string& x,
                        const std::string& module, Tensor weight, Tensor bias, const std::string& output) {
  const std::string w = builder.add_initializer(module + ".weight", std::move(weight));
  const std::string b = builder.add_initializer(module + ".bias", std::move(bias));
  std::map<std::string, Attribute> attrs = {
      {"alpha", float_attribute(1.0f)}, {"beta", float_attribute(1.0f)}, {"transB", int_attribute(1)}};
  return builder.add_node(scope, "Gemm", {x, w, b}, std::move(attrs), output);
}

std::string layer_norm(GraphBuilder& builder, const std::string& scope, const std::string& x,
                       const std::string& module, Tensor weight, Tensor bias, double epsilon,
                       const std::string& output) {
  const std::string w = builder.add_initializer(module + ".weight", std::move(weight));
  const std::string b = builder.add_initializer(module + ".bias", std::move(bias));
  return builder.add_node(scope, "LayerNormalization", {x, w, b},
                          {{"axis", int_attribute(-1)}, {"epsilon", float_attribute(static_cast<float>(epsilon))}},
                          output);
}

std::string gelu(GraphBuilder& builder, const std::string& scope, const std::string& x) {
  const std::string scaled =
      builder.add_node(scope, "Div", {x, builder.float_scalar("const.sqrt_2", std::numbers::sqrt2_v<float>)});
  const std::string erf = builder.add_node(scope, "Erf", {scaled});
  const std::string one_plus_erf = builder.add_node(scope, "Add", {erf, builder.float_scalar("const.one", 1.0f)});
  const std::string product = builder.add_node(scope, "Mul", {x, one_plus_erf});
  return builder.add_node(scope, "Mul", {product, builder.float_scalar("const.half", 0.5f)});
}

}  // namespace xenc
