// A float row quantized by the row kernels for a QuantizedMatMul that takes
// quantized rows (ops/common/quantized_mat_mul_attributes.h): the bytes its
// own per-row quantization of the floats would give, so that a producer
// quantizing its output rows changes no result.
#pragma once

#include <cstdint>

#include "ops/common/quantization.h"
#include "ops/common/quantized_mat_mul_attributes.h"
#include "ops/x86/f32_row_kernels.h"

namespace xenc {

inline void quantize_row_with_params(const F32RowKernels& kernels, const float* x, int64_t n, uint8_t* values,
                                     float* params) {
  const FloatRange range = kernels.min_max(x, static_cast<size_t>(n));
  const Uint8Quantization q = dynamic_uint8_quantization(range.min, range.max);
  params[0] = q.scale;
  params[1] = q.zero_point;
  params[2] = static_cast<float>(kernels.quantize_uint8(x, static_cast<size_t>(n), q, values));
}

}  // namespace xenc
