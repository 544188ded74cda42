// LayerNormalization: over each row (the dims from `axis` on),
// y = xhat * scale + b with xhat = (x - mean) * inv_std and
// inv_std = 1 / sqrt(var + epsilon), var = mean((x - mean)^2).
// With dxhat = dY * scale and n the row length,
//   d xhat_j / d x_i = inv_std (d_ij - 1/n - xhat_i xhat_j / n),
// so dX = inv_std (dxhat - mean(dxhat) - xhat mean(dxhat xhat)),
// dScale = sum over rows of dY xhat and dB = sum over rows of dY (each then
// summed down to the parameter's shape where it was broadcast). The gradient
// arrives through Y alone: Mean and InvStdDev are statistics of the forward.
#include <algorithm>
#include <vector>

#include "ops/common/dispatch.h"
#include "ops/common/layer_norm.h"
#include "ops/common/shape_util.h"
#include "ops/fast/parallel.h"
#include "trainer/gradients/gradient_util.h"

namespace xenc {
namespace {

// Rows per block of the dScale and dB sums. Each block sums its rows in
// order into its own partial, and the partials are added in block order, so
// the result does not depend on how many threads ran the blocks.
constexpr int64_t kRowsPerBlock = 64;

// A Scale or B tensor broadcast to the normalised shape.
template <class T>
std::vector<T> expand_param(const Tensor& param, const Shape& normalized) {
  std::vector<T> expanded(static_cast<size_t>(shape_numel(normalized)));
  const T* p = param.data<T>();
  const std::vector<int64_t> strides[1] = {broadcast_strides(param.shape(), normalized)};
  T* e = expanded.data();
  for_each_broadcast(normalized, strides, [&](int64_t i, const int64_t* off) { e[i] = p[off[0]]; });
  return expanded;
}

template <class T>
std::vector<Gradient> backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (args.output_grads[0] == nullptr) return grads;
  const Tensor& x = *args.inputs[0];
  const Tensor& dy = *args.output_grads[0];
  const auto axis = static_cast<size_t>(normalize_axis(args.node.attr_int("axis", -1), x.rank()));
  const double epsilon = args.node.attr_float("epsilon", 1e-5f);
  const Shape normalized(x.shape().begin() + static_cast<std::ptrdiff_t>(axis), x.shape().end());
  const int64_t cols = shape_numel(normalized);
  const int64_t rows = cols == 0 ? 0 : x.numel() / cols;
  const bool want_x = wants(args, 0), want_scale = wants(args, 1), want_bias = wants(args, 2);
  const bool want_params = want_scale || want_bias;

  const std::vector<T> scale = expand_param<T>(*args.inputs[1], normalized);
  const std::vector<T> ones(static_cast<size_t>(cols), T(1));
  const int64_t blocks = (rows + kRowsPerBlock - 1) / kRowsPerBlock;
  // Per block: the dScale partial, then the dB partial.
  std::vector<T> partials(want_params ? static_cast<size_t>(blocks * 2 * cols) : 0);
  Tensor dx(want_x ? Tensor(dy.dtype(), x.shape()) : Tensor());
  const T* px = x.data<T>();
  const T* pdy = dy.data<T>();
  T* pdx = want_x ? dx.data<T>() : nullptr;

  const T* ps = scale.data();
  // About ten operations an element: the statistics, the sums and dX.
  parallel_chunks(blocks, kRowsPerBlock * cols * 10, [&](int64_t first_block, int64_t end_block) {
    std::vector<T> xhat_row(static_cast<size_t>(cols));
    T* xhat = xhat_row.data();
    for (int64_t block = first_block; block < end_block; ++block) {
      T* dscale = want_params ? partials.data() + block * 2 * cols : nullptr;
      T* dbias = want_params ? dscale + cols : nullptr;
      for (int64_t r = block * kRowsPerBlock; r < std::min(rows, (block + 1) * kRowsPerBlock); ++r) {
        const T* xr = px + r * cols;
        const T* dyr = pdy + r * cols;
        // The forward's own row statistics; with a unit gamma and no beta it
        // writes xhat.
        const RowStats stats = normalize_row(xr, cols, ones.data(), static_cast<const T*>(nullptr), epsilon, xhat);
        if (want_params) {
          for (int64_t c = 0; c < cols; ++c) {
            dscale[c] += dyr[c] * xhat[c];
            dbias[c] += dyr[c];
          }
        }
        if (!want_x) continue;
        double sum_dxhat = 0, sum_dxhat_xhat = 0;
        for (int64_t c = 0; c < cols; ++c) {
          const double dxhat = static_cast<double>(dyr[c]) * ps[c];
          sum_dxhat += dxhat;
          sum_dxhat_xhat += dxhat * xhat[c];
        }
        const T inv_std = static_cast<T>(stats.inv_std_dev);
        const T mean_dxhat = static_cast<T>(sum_dxhat / static_cast<double>(cols));
        const T mean_dxhat_xhat = static_cast<T>(sum_dxhat_xhat / static_cast<double>(cols));
        T* dxr = pdx + r * cols;
        for (int64_t c = 0; c < cols; ++c)
          dxr[c] = inv_std * (dyr[c] * ps[c] - mean_dxhat - xhat[c] * mean_dxhat_xhat);
      }
    }
  });

  if (want_x) grads[0] = dense_gradient(dx);
  if (!want_params) return grads;
  Tensor dscale(dy.dtype(), normalized), dbias(dy.dtype(), normalized);
  T* sum_scale = dscale.data<T>();
  T* sum_bias = dbias.data<T>();
  for (int64_t block = 0; block < blocks; ++block) {
    const T* partial = partials.data() + block * 2 * cols;
    for (int64_t c = 0; c < cols; ++c) {
      sum_scale[c] += partial[c];
      sum_bias[c] += partial[cols + c];
    }
  }
  if (want_scale) grads[1] = dense_gradient(sum_to_shape(dscale, args.inputs[1]->shape()));
  if (want_bias) grads[2] = dense_gradient(sum_to_shape(dbias, args.inputs[2]->shape()));
  return grads;
}

std::vector<Gradient> layer_normalization_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads;
  dispatch_float(args.inputs[0]->dtype(), [&](auto tag) { grads = backward<typename decltype(tag)::type>(args); });
  return grads;
}

}  // namespace

extern const GradientRule kLayerNormalizationGradient{"", "LayerNormalization", 0b111,
                                                      layer_normalization_backward};

}  // namespace xenc
