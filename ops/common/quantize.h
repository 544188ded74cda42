// What the quantization ops share: ONNX's rounding and saturation, the
// parameters DynamicQuantizeLinear chooses, and the zero points and scales
// of integer matrix products (MatMulInteger, QLinearMatMul and the
// com.microsoft DynamicQuantizeMatMul and MatMulIntegerToFloat).
//
// The integer products all compute, for A [..., M, K] and B [..., K, N]
// with numpy matmul's broadcasting of the leading dims,
//   acc[m, n] = sum_k (A[m, k] - za[m]) * (B[k, n] - zb[n])      (int32)
// where za is one value (per tensor) or one per row of A, and zb one value
// or one per column of B. Each op then maps acc to its output (a float
// scale and bias, or a requantization). The reference kernels subtract the
// zero points into int32 copies of A and B and multiply those: |A - za| and
// |B - zb| are at most 255, so each product fits in 17 bits and the int32
// sum can only overflow (wrapping modulo 2^32) beyond K = 2^31 / 255^2,
// about 33000 (as ONNX allows: "accumulation may overflow if and only if
// in 32 bits").
#pragma once

#include <cstdint>
#include <initializer_list>

#include "graph/op_schema.h"
#include "ops/common/dispatch.h"
#include "ops/common/quantization.h"

namespace xenc {

// The 8-bit dtypes of quantized tensors: uint8 and int8.
extern const std::initializer_list<DType> kQuantizedTypes;

template <class F>
void dispatch_quantized(DType t, F&& f) {
  switch (t) {
    case DType::kUint8: return f(TypeTag<uint8_t>{});
    case DType::kInt8: return f(TypeTag<int8_t>{});
    default: throw Error("unsupported dtype " + dtype_name(t) + " (expected uint8 or int8)");
  }
}

// DynamicQuantizeLinear's parameters (ops/common/quantization.h) for n
// values; NaNs are ignored in the range.
Uint8Quantization dynamic_uint8_params(const float* x, int64_t n);

// Quantizes n floats to uint8 with DynamicQuantizeLinear's parameters and
// returns them.
Uint8Quantization quantize_dynamic_uint8(const float* x, int64_t n, uint8_t* y);

// One row quantized for a QuantizedMatMul taking quantized rows: the values
// as quantize_dynamic_uint8 gives them, and the row parameters of
// ops/common/quantized_mat_mul_attributes.h (scale, zero point, sum).
void quantize_row_with_params(const float* x, int64_t n, uint8_t* values, float* params);

// A shape of exactly one element: a scalar, [1], [1, 1], ...
bool is_one_element(const SymShape& shape);

// QuantizeLinear's and DequantizeLinear's scale and zero point: per tensor
// (a scale of one element) or, from opset 13, per axis (a 1-D scale of
// x.shape[axis] elements; attribute axis, default 1, ignored per tensor).
// The scale is float; the zero point, when given, has the scale's shape.
// Throws naming `scale_name` / `zero_point_name` when they do not fit x.
void expect_linear_params(const Node& node, const ShapeInput& x, const ShapeInput& scale,
                          const ShapeInput* zero_point, const char* scale_name, const char* zero_point_name);

// Which scale and zero point each element of x uses: element i has
// parameter index (i / inner) % channels (channels 1 per tensor).
struct ChannelLayout {
  int64_t channels = 1;
  int64_t inner = 1;
  int64_t channel(int64_t i) const { return (i / inner) % channels; }
};
ChannelLayout channel_layout(const Node& node, const Shape& x, const Shape& scale);

// Whose quantization parameter (zero point or scale) a tensor is: A's
// (one value, or one per row: [M] for a 2-D A, [..., M, 1] in general) or
// B's (one value, or one per column: [N], or [..., 1, N] in general).
enum class MatMulSide { kRowsOfA, kColumnsOfB };

// The shape of numpy matmul(A, B): MatMul's rule, for the integer products.
SymShape matmul_result_shape(const SymShape& a, const SymShape& b);

// Throws unless `param` has a shape `side` allows beside operand `x` (the
// shapes above; one element is always allowed). Unknown dims pass.
void expect_matmul_param(const ShapeInput& param, const ShapeInput& x, MatMulSide side, const char* what);

// Throws unless a scale `param` of MatMulIntegerToFloat is one value, per
// row of A ([..., M, 1], rank >= 2) or per column of B ([N] or [..., 1, N]).
// A 1-D scale is always B's per-column scale, whichever input it is: ONNX
// Runtime's fusion can write B's scale as a_scale, and its kernel swaps
// them back by that rule.
void expect_matmul_scale(const ShapeInput& param, const ShapeInput& a, const ShapeInput& b, const char* what);

// Throws unless `bias` (when present) is float and 1-D of B's column count
// N (1 for a 1-D B).
void expect_matmul_bias(const ShapeInput& bias, const ShapeInput& b);

// Throws unless `zero_point` (when present) has dtype `dtype`, the dtype of the operand it belongs to.
void expect_zero_point_dtype(const ShapeInput& zero_point, DType dtype, const char* what, const char* operand);

// The operands and result of an integer product viewed with rank >= 2, as
// the kernels compute it: a 1-D A is one row [1, K], a 1-D B one column
// [K, 1], and the result has shape [batch..., M, N] (the same elements as
// the op's output, whose shape drops those added dims).
struct MatMulViews {
  Tensor a, b;
  Shape result;  // [batch..., M, N]
};
MatMulViews matmul_views(const Tensor& a, const Tensor& b);

// How a zero point or scale of `side` lines up with the result
// [batch..., M, N]: a per-row [M] of A becomes [M, 1]; every other
// allowed shape already broadcasts numpy-style (so kColumnsOfB also serves
// MatMulIntegerToFloat's scales, whose 1-D shapes are per column).
Shape param_view(const Shape& param, MatMulSide side);

// y = float(acc) * (a_scale * b_scale) + bias over the result
// [batch..., M, N] (y has its elements; its shape may drop added dims):
// both scales broadcast into the result by param_view(kColumnsOfB) (one
// element, [..., M, 1], [N] or [..., 1, N]), bias (optional) is [N]. The
// scales are multiplied first, as ONNX Runtime's output processor and its
// quantizer's Mul(a_scale, b_scale) both do.
void dequantize_product(const Tensor& acc, const Tensor& a_scale, const Tensor& b_scale, const Tensor* bias,
                        Tensor& y);

// acc = (a - za) x (b - zb) as int32 over views from matmul_views, the
// zero points optional (nullptr: 0) and of their operand's dtype.
// `acc` is an int32 tensor of shape views.result.
void integer_product(const MatMulViews& views, const Tensor* a_zero_point, const Tensor* b_zero_point, Tensor& acc);

// The offsets of `param` (a zero point, scale or bias viewed by param_view)
// at each element of `result`, for for_each_broadcast.
std::vector<int64_t> param_strides(const Tensor& param, MatMulSide side, const Shape& result);

}  // namespace xenc
