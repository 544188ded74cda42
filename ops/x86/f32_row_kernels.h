// The float row kernels behind the fast Softmax, LayerNormalization and
// activation ops: one table per instruction set, each function working on
// one contiguous row (callers parallelize over rows). The scalar table is
// the exact one (libm, double accumulation); the vector tables approximate
// exp, erf and tanh with the error bounds stated in f32_row_math.h, and are
// tested against the scalar table (tests/unit/f32_row_kernels_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ops/common/isa.h"
#include "ops/common/quantization.h"

namespace xenc {

// One row of y = LayerNorm(x + skip + bias) * gamma + beta.
struct LayerNormRow {
  const float* x = nullptr;      // n values
  const float* skip = nullptr;   // n values added to x, or nullptr
  const float* bias = nullptr;   // n values added to x, or nullptr
  const float* gamma = nullptr;  // n scales
  const float* beta = nullptr;   // n offsets, or nullptr for none
  float* y = nullptr;            // n outputs
  float* sum = nullptr;          // receives x + skip + bias when not nullptr (needs skip or bias)
  size_t n = 0;
  float epsilon = 0;
};

// One row of y = softmax(scale * x + bias), n >= 1 (attention's weights:
// its scores, scale and additive mask; scale 1 and no bias for Softmax).
// scale * x + bias is one fused multiply-add.
struct SoftmaxRow {
  const float* x = nullptr;     // n values
  float scale = 1;
  const float* bias = nullptr;  // n values, or nullptr for none
  float* y = nullptr;  // n outputs; may alias x
  size_t n = 0;
  // false: y gets the weights before their normalization, exp(z - max z),
  // which attention multiplies by V before it scales each result row by
  // the returned 1 / sum (a pass over dv values instead of n).
  bool normalize = true;
};

struct LayerNormStats {
  float mean;
  float inv_std_dev;  // 1 / sqrt(variance + epsilon)
};

struct FloatRange {
  float min;
  float max;
};

// One row of an int8 product's result, dequantized:
//   y[j] = float(product[j] - a_zero * b_sums[j] - b_zero[j] * a_offset) * (a_scale * b_scale[j]) + bias[j]
// and then, when gelu is set, y[j] = gelu(y[j]) as F32RowKernels::gelu.
// which is sum_k (qA[k] - a_zero) (qB[k, j] - b_zero[j]) * scales when
// a_offset = sum_k qA[k] - K * a_zero. The integer is taken modulo 2^32:
// the terms may wrap while the true value fits in int32.
struct DequantizeRow {
  const int32_t* product = nullptr;  // n sums of qA * qB
  const int32_t* b_sums = nullptr;   // n column sums of qB
  const int8_t* b_zero = nullptr;    // n zero points, or nullptr for none
  const float* b_scale = nullptr;    // n scales
  const float* bias = nullptr;       // n values, or nullptr for none
  bool gelu = false;
  int32_t a_zero = 0, a_offset = 0;
  float a_scale = 0;
  float* y = nullptr;
  size_t n = 0;
};

struct F32RowKernels {
  // SoftmaxRow's y: with z = scale * x + bias,
  // exp(z - max z) / sum exp(z - max z). Returns 1 / sum exp(z - max z).
  float (*softmax)(const SoftmaxRow& row);
  // LayerNormRow's y (and sum), with the variance taken as the mean squared
  // deviation from the mean (two passes). y may alias x; sum may alias x or skip.
  LayerNormStats (*layernorm)(const LayerNormRow& row);
  // y = gelu(x + bias) = 0.5 z (1 + erf(z / sqrt(2))) with z = x + bias;
  // bias has n values or is nullptr. y may alias x.
  void (*gelu)(const float* x, const float* bias, float* y, size_t n);
  // y = gelu(x + bias) by the tanh approximation
  // 0.5 z (1 + tanh(sqrt(2 / pi) (z + 0.044715 z^3))); bias as for gelu.
  void (*gelu_tanh)(const float* x, const float* bias, float* y, size_t n);
  // Element-wise y = erf(x), y = tanh(x). y may alias x.
  void (*erf)(const float* x, float* y, size_t n);
  void (*tanh)(const float* x, float* y, size_t n);
  // The least and greatest of x[0, n), NaNs skipped ({+inf, -inf} when
  // every value is NaN).
  FloatRange (*min_max)(const float* x, size_t n);
  // q[i] = quantize_uint8(x[i], quantization) (ops/common/quantization.h),
  // the same bytes on every table; returns the sum of q. scale > 0, and
  // n <= 65536 so that the sum is exact in every float lane.
  uint32_t (*quantize_uint8)(const float* x, size_t n, Uint8Quantization quantization, uint8_t* q);
  // DequantizeRow's y; the same bits on every table, up to the GELU, which
  // gives the bits of the table's own gelu.
  void (*dequantize)(const DequantizeRow& row);
};

// The table for `isa`, which the CPU must support (isa_supported).
const F32RowKernels& f32_row_kernels(Isa isa);
// The table for selected_isa().
const F32RowKernels& f32_row_kernels();

}  // namespace xenc
