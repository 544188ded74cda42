// Softmax and LogSoftmax, from the forward output y over each slice the
// forward normalised (ops/common/softmax.h: one axis from opset 13, the 2-D
// coercion before it).
//   Softmax: dy_i/dx_j = y_i (d_ij - y_j), so dx_j = y_j (dY_j - sum_i dY_i y_i).
//   LogSoftmax: dy_i/dx_j = d_ij - softmax_j, so dx_j = dY_j - softmax_j sum_i dY_i,
//   with softmax = exp(y).
#include <algorithm>
#include <cmath>
#include <vector>

#include "ops/common/dispatch.h"
#include "ops/common/softmax.h"
#include "ops/fast/parallel.h"
#include "trainer/gradients/gradient_util.h"

namespace xenc {
namespace {

// The slice sum each rule needs and dx from it. Sums accumulate in double,
// as the forward's do.
struct Softmax {
  template <class T>
  static double term(T dy, T y) {
    return static_cast<double>(dy) * static_cast<double>(y);
  }
  template <class T>
  static T input_grad(T dy, T y, T sum) {
    return y * (dy - sum);
  }
};
struct LogSoftmax {
  template <class T>
  static double term(T dy, T) {
    return static_cast<double>(dy);
  }
  template <class T>
  static T input_grad(T dy, T y, T sum) {
    return dy - std::exp(y) * sum;
  }
};

// Slices along the last axis: contiguous rows (attention scores [B,H,S,S]).
template <class Rule, class T>
void rows_backward(const T* y, const T* dy, T* dx, int64_t begin, int64_t end, int64_t n) {
  for (int64_t r = begin; r < end; ++r) {
    const T* yr = y + r * n;
    const T* dyr = dy + r * n;
    T* dxr = dx + r * n;
    double sum = 0;
    for (int64_t j = 0; j < n; ++j) sum += Rule::term(dyr[j], yr[j]);
    const T s = static_cast<T>(sum);
    for (int64_t j = 0; j < n; ++j) dxr[j] = Rule::input_grad(dyr[j], yr[j], s);
  }
}

// Slices along an inner axis: each [n, inner] block holds `inner` slices
// side by side, so their sums are kept in a vector and both passes stay
// contiguous along the block's rows.
template <class Rule, class T>
void blocks_backward(const T* y, const T* dy, T* dx, int64_t begin, int64_t end, const SoftmaxLayout& layout) {
  const int64_t n = layout.n, inner = layout.inner;
  std::vector<double> sum_storage(static_cast<size_t>(inner));
  std::vector<T> s_storage(static_cast<size_t>(inner));
  double* sums = sum_storage.data();
  T* s = s_storage.data();
  for (int64_t o = begin; o < end; ++o) {
    const T* yo = y + o * n * inner;
    const T* dyo = dy + o * n * inner;
    T* dxo = dx + o * n * inner;
    std::fill(sums, sums + inner, 0.0);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < inner; ++i) sums[i] += Rule::term(dyo[j * inner + i], yo[j * inner + i]);
    for (int64_t i = 0; i < inner; ++i) s[i] = static_cast<T>(sums[i]);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < inner; ++i) dxo[j * inner + i] = Rule::input_grad(dyo[j * inner + i], yo[j * inner + i], s[i]);
  }
}

template <class Rule>
std::vector<Gradient> softmax_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (!wants(args, 0)) return grads;
  const Tensor& y = *args.outputs[0];
  const Tensor& dy = *args.output_grads[0];
  const SoftmaxLayout layout = softmax_layout(args.node, y.shape());
  Tensor dx(dy.dtype(), y.shape());
  dispatch_float(dy.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* py = y.data<T>();
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    // Parallel over the outer index; each slice is a few operations an element.
    parallel_chunks(layout.outer, 4 * layout.n * layout.inner, [&](int64_t begin, int64_t end) {
      if (layout.inner == 1) {
        rows_backward<Rule>(py, pdy, pdx, begin, end, layout.n);
      } else {
        blocks_backward<Rule>(py, pdy, pdx, begin, end, layout);
      }
    });
  });
  grads[0] = dense_gradient(dx);
  return grads;
}

}  // namespace

extern const GradientRule kSoftmaxGradient{"", "Softmax", 0b1, softmax_backward<Softmax>};
extern const GradientRule kLogSoftmaxGradient{"", "LogSoftmax", 0b1, softmax_backward<LogSoftmax>};

}  // namespace xenc
