// The modules the encoder and the classification heads share, in the form
// torch.onnx gives them. `module` is the transformers parameter path
// ("bert.encoder.layer.0.output.dense"); the initializers are named after
// it ("<module>.weight", "<module>.bias"), except that a MatMul weight is
// stored transposed to [in, out] as "<module>.weight.transposed".
#pragma once

#include <string>

#include "models/graph_builder.h"

namespace xenc {

// nn.Linear on [..., in]: MatMul(x, W^T), then Add(bias, product) (the bias
// first, as the export writes it). `weight` is [out, in] as torch stores it.
std::string linear(GraphBuilder& builder, const std::string& scope, const std::string& x, const std::string& module,
                   const Tensor& weight, Tensor bias);

// nn.Linear on [batch, in] (the heads): Gemm(x, W, bias, transB = 1).
std::string gemm_linear(GraphBuilder& builder, const std::string& scope, const std::string& x,
                        const std::string& module, Tensor weight, Tensor bias, const std::string& output = "");

// nn.LayerNorm over the last axis: opset-17 LayerNormalization.
std::string layer_norm(GraphBuilder& builder, const std::string& scope, const std::string& x,
                       const std::string& module, Tensor weight, Tensor bias, double epsilon,
                       const std::string& output = "");

// transformers' exact GELU, x * 0.5 * (1 + erf(x / sqrt 2)), as the export
// writes it: Div by sqrt(2), Erf, Add 1, Mul by x, Mul by 0.5.
std::string gelu(GraphBuilder& builder, const std::string& scope, const std::string& x);

}  // namespace xenc
