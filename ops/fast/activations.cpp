// Float element-wise activations: the row kernels of the selected ISA over
// the flat tensor, cut into oneTBB tasks.
#include <algorithm>

#include "ops/fast/fast_kernels.h"
#include "ops/fast/parallel.h"
#include "ops/x86/f32_row_kernels.h"

namespace xenc {
namespace {

// Tasks take whole pieces of the flat tensor, so that only the last piece
// ends in a partial vector.
constexpr int64_t kPiece = 1024;
// An erf or tanh is a few dozen vector operations per element.
constexpr int64_t kWorkPerElement = 16;

// y = kernel(x) over the whole tensor.
bool map_float(const Tensor& x, Tensor& y, void (*kernel)(const float*, float*, size_t)) {
  if (x.dtype() != DType::kFloat) return false;
  const int64_t n = x.numel();
  const float* px = x.data<float>();
  float* py = y.data<float>();
  parallel_chunks((n + kPiece - 1) / kPiece, kPiece * kWorkPerElement, [&](int64_t begin, int64_t end) {
    const int64_t first = begin * kPiece, last = std::min(n, end * kPiece);
    kernel(px + first, py + first, static_cast<size_t>(last - first));
  });
  return true;
}

// y = kernel(x + bias) with a 1-D bias along x's last axis, row by row; no
// bias maps the flat tensor. A bias that broadcasts x (a last dim of 1) is
// left to the reference.
bool map_biased_float(std::span<const Tensor* const> in, Tensor& y,
                      void (*kernel)(const float*, const float*, float*, size_t)) {
  const Tensor& x = *in[0];
  const Tensor* bias = in.size() > 1 ? in[1] : nullptr;
  if (x.dtype() != DType::kFloat || x.rank() == 0) return false;
  const int64_t n = x.shape().back();
  if (bias && (bias->numel() != n || y.numel() != x.numel())) return false;
  if (n == 0) return true;
  const float* pb = bias ? bias->data<float>() : nullptr;
  const float* px = x.data<float>();
  float* py = y.data<float>();
  if (!bias) {
    // Rows of any length: the flat tensor in pieces of whole vectors.
    const int64_t total = x.numel();
    parallel_chunks((total + kPiece - 1) / kPiece, kPiece * kWorkPerElement, [&](int64_t begin, int64_t end) {
      const int64_t first = begin * kPiece, last = std::min(total, end * kPiece);
      kernel(px + first, nullptr, py + first, static_cast<size_t>(last - first));
    });
    return true;
  }
  parallel_chunks(x.numel() / n, n * kWorkPerElement, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) kernel(px + r * n, pb, py + r * n, static_cast<size_t>(n));
  });
  return true;
}

}  // namespace

bool fast_gelu(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  return map_biased_float(in, *out[0], f32_row_kernels().gelu);
}

bool fast_gelu_tanh(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  return map_biased_float(in, *out[0], f32_row_kernels().gelu_tanh);
}

bool fast_erf(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  return map_float(*in[0], *out[0], f32_row_kernels().erf);
}

bool fast_tanh(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  return map_float(*in[0], *out[0], f32_row_kernels().tanh);
}

}  // namespace xenc
