// Float Softmax and LayerNormalization: the row kernels of the selected ISA,
// rows split into oneTBB tasks.
#include "ops/common/shape_util.h"
#include "ops/common/softmax.h"
#include "ops/fast/fast_kernels.h"
#include "ops/fast/parallel.h"
#include "ops/fast/quantized_rows.h"
#include "ops/x86/f32_row_kernels.h"

namespace xenc {
namespace {

// When `t` broadcasts to `out` by repetition along leading dims only (its
// shape, leading 1s dropped, ends out's shape), the number of rows of
// `hidden` values it has: out's row r reads its row r % that. 0 otherwise.
int64_t repeated_rows(const Tensor& t, const Shape& out, int64_t hidden) {
  const Shape& s = t.shape();
  size_t first = 0;
  while (first < s.size() && s[first] == 1) ++first;
  const size_t kept = s.size() - first;
  if (kept == 0 || kept > out.size() || s.back() != hidden) return 0;
  for (size_t i = 0; i < kept; ++i)
    if (s[first + i] != out[out.size() - kept + i]) return 0;
  return t.numel() / hidden;
}

}  // namespace

bool fast_softmax(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  if (x.dtype() != DType::kFloat) return false;
  const SoftmaxLayout layout = softmax_layout(node, x.shape());
  if (layout.inner != 1) return false;  // rows must be contiguous
  if (layout.n == 0) return true;
  const auto softmax = f32_row_kernels().softmax;
  const float* px = x.data<float>();
  float* py = out[0]->data<float>();
  const size_t n = static_cast<size_t>(layout.n);
  parallel_chunks(layout.outer, layout.n, [&](int64_t begin, int64_t end) {
    SoftmaxRow row;
    row.n = n;
    for (int64_t r = begin; r < end; ++r) {
      row.x = px + r * layout.n;
      row.y = py + r * layout.n;
      softmax(row);
    }
  });
  return true;
}

bool fast_layer_normalization(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const Tensor& scale = *in[1];
  const Tensor* bias = in.size() == 3 ? in[2] : nullptr;
  if (x.dtype() != DType::kFloat) return false;
  // Mean and InvStdDev, when asked for, in float (the default stash_type).
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i] && out[i]->dtype() != DType::kFloat) return false;
  const int64_t axis = normalize_axis(node.attr_int("axis", -1), x.rank());
  int64_t cols = 1;
  for (int64_t d = axis; d < x.rank(); ++d) cols *= x.dim(d);
  // Scale and B broadcast only by leading 1s: already laid out as one row.
  if (cols == 0 || scale.numel() != cols || (bias && bias->numel() != cols)) return false;
  if (x.numel() == 0) return true;
  const int64_t rows = x.numel() / cols;
  const auto layernorm = f32_row_kernels().layernorm;
  LayerNormRow row;
  row.gamma = scale.data<float>();
  row.beta = bias ? bias->data<float>() : nullptr;
  row.n = static_cast<size_t>(cols);
  row.epsilon = node.attr_float("epsilon", 1e-5f);
  float* means = out.size() > 1 && out[1] ? out[1]->data<float>() : nullptr;
  float* inv_std_devs = out.size() > 2 && out[2] ? out[2]->data<float>() : nullptr;
  parallel_chunks(rows, cols, [&](int64_t begin, int64_t end) {
    LayerNormRow r = row;
    for (int64_t i = begin; i < end; ++i) {
      r.x = x.data<float>() + i * cols;
      r.y = out[0]->data<float>() + i * cols;
      const LayerNormStats stats = layernorm(r);
      if (means) means[i] = stats.mean;
      if (inv_std_devs) inv_std_devs[i] = stats.inv_std_dev;
    }
  });
  return true;
}

bool fast_skip_layer_normalization(const Node& node, std::span<const Tensor* const> in,
                                   std::span<Tensor* const> out) {
  enum Input { kInput, kSkip, kGamma, kBeta, kBias };
  constexpr size_t kSumOutput = 3;
  constexpr float kDefaultEpsilon = 1e-12f;  // ONNX Runtime's
  Tensor& y = *out[0];
  if (y.dtype() != DType::kFloat) return false;
  const int64_t hidden = y.shape().back();
  if (hidden == 0 || y.numel() == 0) return false;
  const int64_t input_rows = repeated_rows(*in[kInput], y.shape(), hidden);
  const int64_t skip_rows = repeated_rows(*in[kSkip], y.shape(), hidden);
  if (input_rows == 0 || skip_rows == 0) return false;
  const float* input = in[kInput]->data<float>();
  const float* skip = in[kSkip]->data<float>();
  LayerNormRow row;
  row.gamma = in[kGamma]->data<float>();
  row.beta = in.size() > kBeta && in[kBeta] ? in[kBeta]->data<float>() : nullptr;
  row.bias = in.size() > kBias && in[kBias] ? in[kBias]->data<float>() : nullptr;
  row.n = static_cast<size_t>(hidden);
  row.epsilon = node.attr_float("epsilon", kDefaultEpsilon);
  float* sum = out.size() > kSumOutput && out[kSumOutput] ? out[kSumOutput]->data<float>() : nullptr;
  // The output also quantized per row for the product reading it, while in L1.
  uint8_t* quantized = out.size() > kQuantizedRowsOutput ? out[kQuantizedRowsOutput]->data<uint8_t>() : nullptr;
  float* row_params = quantized ? out[kQuantizedRowsOutput + 1]->data<float>() : nullptr;
  const F32RowKernels& kernels = f32_row_kernels();
  const auto layernorm = kernels.layernorm;
  parallel_chunks(y.numel() / hidden, hidden, [&](int64_t begin, int64_t end) {
    LayerNormRow r = row;
    for (int64_t i = begin; i < end; ++i) {
      r.x = input + (i % input_rows) * hidden;
      r.skip = skip + (i % skip_rows) * hidden;
      r.y = y.data<float>() + i * hidden;
      r.sum = sum ? sum + i * hidden : nullptr;
      layernorm(r);
      if (quantized) quantize_row_with_params(kernels, r.y, hidden, quantized + i * hidden, row_params + i * kRowParams);
    }
  });
  return true;
}

}  // namespace xenc
