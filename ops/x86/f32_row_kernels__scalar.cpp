// The exact float row kernels: libm's exp, erf and tanh, sums in double.
// The fallback on CPUs without AVX2, and the reference the vector tables are
// tested against.
#include <algorithm>
#include <cmath>

#include "ops/x86/f32_row_kernels.h"

namespace xenc {
namespace {

float softmax(const SoftmaxRow& row) {
  // z = scale * x + bias rounded once to float, as the vector kernels' fma.
  const auto z = [&](size_t i) { return std::fma(row.x[i], row.scale, row.bias ? row.bias[i] : 0.0f); };
  float max = -INFINITY;
  for (size_t i = 0; i < row.n; ++i) max = std::max(max, z(i));
  double sum = 0;
  for (size_t i = 0; i < row.n; ++i) sum += std::exp(static_cast<double>(z(i) - max));
  for (size_t i = 0; i < row.n; ++i) {
    const double e = std::exp(static_cast<double>(z(i) - max));
    row.y[i] = static_cast<float>(row.normalize ? e / sum : e);
  }
  return static_cast<float>(1.0 / sum);
}

LayerNormStats layernorm(const LayerNormRow& row) {
  const float* src = row.x;
  if (row.skip || row.bias) {
    float* dst = row.sum ? row.sum : row.y;
    for (size_t i = 0; i < row.n; ++i)
      dst[i] = row.x[i] + (row.skip ? row.skip[i] : 0.0f) + (row.bias ? row.bias[i] : 0.0f);
    src = dst;
  }
  double sum = 0;
  for (size_t i = 0; i < row.n; ++i) sum += src[i];
  const double mean = sum / static_cast<double>(row.n);
  // Two passes: E[x^2] - E[x]^2 would cancel when |mean| >> standard deviation.
  double squares = 0;
  for (size_t i = 0; i < row.n; ++i) squares += (src[i] - mean) * (src[i] - mean);
  const double inv_std_dev = 1.0 / std::sqrt(squares / static_cast<double>(row.n) + row.epsilon);
  for (size_t i = 0; i < row.n; ++i)
    row.y[i] = static_cast<float>((src[i] - mean) * inv_std_dev * row.gamma[i] + (row.beta ? row.beta[i] : 0.0f));
  return {static_cast<float>(mean), static_cast<float>(inv_std_dev)};
}

// x + bias rounded to float, as the vector kernels and ONNX Runtime add them.
double biased(const float* x, const float* bias, size_t i) { return bias ? x[i] + bias[i] : x[i]; }

void gelu(const float* x, const float* bias, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double z = biased(x, bias, i);
    y[i] = static_cast<float>(0.5 * z * (1.0 + std::erf(z * M_SQRT1_2)));
  }
}

void gelu_tanh(const float* x, const float* bias, float* y, size_t n) {
  const double sqrt_two_over_pi = M_2_SQRTPI * M_SQRT1_2;
  for (size_t i = 0; i < n; ++i) {
    const double z = biased(x, bias, i);
    y[i] = static_cast<float>(0.5 * z * (1.0 + std::tanh(sqrt_two_over_pi * (z + 0.044715 * z * z * z))));
  }
}

void erf(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = std::erf(x[i]);
}

void tanh(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
}

FloatRange min_max(const float* x, size_t n) {
  FloatRange range{INFINITY, -INFINITY};
  for (size_t i = 0; i < n; ++i) {  // comparisons with NaN are false, so NaNs are skipped
    if (x[i] < range.min) range.min = x[i];
    if (x[i] > range.max) range.max = x[i];
  }
  return range;
}

uint32_t quantize_uint8(const float* x, size_t n, Uint8Quantization quantization, uint8_t* q) {
  uint32_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += q[i] = xenc::quantize_uint8(x[i], quantization);
  return sum;
}

void dequantize(const DequantizeRow& row) {
  for (size_t j = 0; j < row.n; ++j) {
    // Unsigned, so that wrapping is defined; the true value fits in int32.
    uint32_t sum = static_cast<uint32_t>(row.product[j]) -
                   static_cast<uint32_t>(row.a_zero) * static_cast<uint32_t>(row.b_sums[j]);
    if (row.b_zero) sum -= static_cast<uint32_t>(row.b_zero[j]) * static_cast<uint32_t>(row.a_offset);
    float y = static_cast<float>(static_cast<int32_t>(sum)) * (row.a_scale * row.b_scale[j]);
    if (row.bias) y += row.bias[j];
    if (row.gelu) gelu(&y, nullptr, &y, 1);
    row.y[j] = y;
  }
}

}  // namespace

extern const F32RowKernels kF32RowKernelsScalar{softmax,   layernorm, gelu,           gelu_tanh, erf,
                                                tanh,      min_max,   quantize_uint8, dequantize};

}  // namespace xenc
