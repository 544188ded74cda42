// Sessions that use the fast kernels run the int8 MatMuls of already
// quantized models (as ONNX Runtime's quantize_dynamic and its graph
// optimizer write them) on xenc's QuantizedMatMul (ops/quantized_mat_mul.cpp),
// with the activations quantized over the whole tensor as the original
// DynamicQuantizeLinear does, so the integer sums are the model's own:
//   DynamicQuantizeLinear -> MatMulInteger -> Cast(float) -> Mul(Mul(a_scale, b_scale))
//   com.microsoft DynamicQuantizeMatMul
//   DynamicQuantizeLinear -> com.microsoft MatMulIntegerToFloat
// and statically quantized ones with A's fixed scale and zero point
// (QuantizedMatMul's "static" quantization):
//   QDQ: MatMul(DequantizeLinear(QuantizeLinear(A)), DequantizeLinear(B))
//   QuantizeLinear(A) -> QLinearMatMul -> DequantizeLinear (requantized output)
// each with a constant 2-D int8 or uint8 B and constant per-tensor or
// per-column B scales and zero points. Sessions run this before constant
// folding, which would turn DequantizeLinear(B) into float weights. Weights are repacked once (uint8 B
// as int8 B - 128 with its zero point shifted alike, which leaves every
// B - zero point as it was).
#pragma once

#include "graph/ir.h"

namespace xenc {

// Returns true when it rewrote anything; the quantizers left unread are removed.
bool fuse_quantized_mat_muls(Graph& graph);

}  // namespace xenc
