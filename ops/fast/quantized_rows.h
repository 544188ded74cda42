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

// One row quantized by its own range (DynamicQuantizeLinear's parameters):
// its quantization and the sum of its values.
struct QuantizedRow {
  Uint8Quantization quantization;
  int32_t sum = 0;
};
inline QuantizedRow quantize_row_by_its_range(const F32RowKernels& kernels, const float* x, int64_t n,
                                              uint8_t* values) {
  const FloatRange range = kernels.min_max(x, static_cast<size_t>(n));
  const Uint8Quantization q = dynamic_uint8_quantization(range.min, range.max);
  return {q, static_cast<int32_t>(kernels.quantize_uint8(x, static_cast<size_t>(n), q, values))};
}

// The same, with the parameters as a QuantizedMatMul's row parameters.
inline void quantize_row_with_params(const F32RowKernels& kernels, const float* x, int64_t n, uint8_t* values,
                                     float* params) {
  const QuantizedRow row = quantize_row_by_its_range(kernels, x, n, values);
  params[0] = row.quantization.scale;
  params[1] = row.quantization.zero_point;
  params[2] = static_cast<float>(row.sum);
}

}  // namespace xenc
