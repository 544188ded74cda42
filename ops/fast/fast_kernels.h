// The fast paths of ops whose reference kernels live in ops/<op>.cpp. A fast
// path handles the float cases it was written for (and returns true) or
// declines (false), and the op's schema wraps it as
//   fast = fast_or_reference<fast_softmax, run_softmax>
// so every other case still runs the reference kernel.
#pragma once

#include <span>

#include "graph/op_schema.h"

namespace xenc {

using FastPathFn = bool (*)(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);

template <FastPathFn Fast, KernelFn Reference>
void fast_or_reference(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs) {
  if (!Fast(node, inputs, outputs)) Reference(node, inputs, outputs);
}

// ops/fast/mat_mul.cpp: float MatMul and Gemm on parallel_sgemm.
bool fast_mat_mul(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
bool fast_gemm(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
// ops/fast/packed_mat_mul.cpp: PackedMatMul on the packed GEMM kernels.
bool fast_packed_mat_mul(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
// ops/fast/mat_mul_integer.cpp: MatMulInteger with uint8 A on the int8 GEMM kernels.
bool fast_mat_mul_integer(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
// ops/fast/quantized_mat_mul.cpp: QuantizedMatMul on the int8 GEMM kernels.
bool fast_quantized_mat_mul(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
// ops/fast/normalization.cpp: float Softmax over the last axis, LayerNormalization
// with Scale and B of the normalised shape.
bool fast_softmax(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
bool fast_layer_normalization(const Node& node, std::span<const Tensor* const> inputs,
                              std::span<Tensor* const> outputs);
// SkipLayerNormalization (com.microsoft) with skip of the input's shape or
// broadcast over leading dims.
bool fast_skip_layer_normalization(const Node& node, std::span<const Tensor* const> inputs,
                                   std::span<Tensor* const> outputs);
// ops/fast/activations.cpp: float Erf and Tanh; the erf GELU of Gelu and
// BiasGelu and the tanh GELU of FastGelu (com.microsoft), with a bias along
// the last axis when given.
bool fast_erf(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
bool fast_tanh(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
bool fast_gelu(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
bool fast_gelu_tanh(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
// ops/fast/attention.cpp: float MultiHeadAttention and Attention (com.microsoft).
bool fast_multi_head_attention(const Node& node, std::span<const Tensor* const> inputs,
                               std::span<Tensor* const> outputs);
bool fast_attention(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
// ops/fast/slice.cpp: Slice of 4- and 8-byte elements, without heap allocation.
bool fast_slice(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);

}  // namespace xenc
