// Sessions rewrite each float MatMul whose B is a 2-D initializer into one
// of xenc's packed products, with B prepared once here instead of by every
// call:
//   fp32: PackedMatMul (ops/packed_mat_mul.cpp), B as float panels;
//   bf16: PackedMatMul with B rounded to bf16 panels (A rounded to bf16 at
//         run time, sums in float);
//   int8: QuantizedMatMul (ops/quantized_mat_mul.cpp), B quantized to int8
//         per column (symmetric: scale = max |B[:, j]| / 127, zero point 0)
//         and A quantized per row at run time.
// bf16 and int8 sessions also take the two products of attention (scores
// Q K^T and the weighted sum of V) in bf16, with float sums: at 128
// tokens they are a twentieth of a float layer's products but take a fifth
// of an int8 layer's product time, and their operands (activations, and
// softmax weights in [0, 1]) keep 8 bits of relative precision in bf16.
// The MultiHeadAttention and Attention nodes get the attribute
// kAttentionProductPrecision = "bf16". int8 sessions then also merge the
// products of one A, hand quantized rows from product to product and from
// layer normalization to product (ops/common/quantized_mat_mul_attributes.h).
// The prepared copy replaces the original unless something else still reads
// it (then both stay). A GELU (com.microsoft Gelu or BiasGelu) that alone
// reads the product's output is folded in (the bias input and activation
// attribute of both ops).
#pragma once

#include "graph/ir.h"
#include "graph/op_schema.h"

namespace xenc {

enum class MatMulPrecision { fp32, bf16, int8 };

// xenc's own attribute of attention nodes, never written to a model file:
// "bf16" for bf16 products; absent for float ones.
inline constexpr const char* kAttentionProductPrecision = "xenc_product_precision";

// Returns true when it rewrote anything.
bool pack_mat_mul_weights(Graph& graph, MatMulPrecision precision = MatMulPrecision::fp32);

}  // namespace xenc
