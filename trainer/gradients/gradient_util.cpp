#include "trainer/gradients/gradient_util.h"

#include <cstring>

#include "ops/common/dispatch.h"
#include "ops/common/shape_util.h"

namespace xenc {

Tensor sum_to_shape(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  if (shape.size() > grad.shape().size())
    throw Error("gradient of shape " + shape_str(grad.shape()) + " cannot be summed to " + shape_str(shape));
  Tensor out(grad.dtype(), shape);
  // The common case of a bias: `shape` is the trailing part of grad's shape
  // with no 1-dims to stretch, so grad is rows of out's size to add up.
  const size_t lead = grad.shape().size() - shape.size();
  const bool trailing = std::equal(shape.begin(), shape.end(), grad.shape().begin() + static_cast<std::ptrdiff_t>(lead));
  dispatch_float(grad.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* g = grad.data<T>();
    T* o = out.data<T>();
    if (trailing) {
      const int64_t width = out.numel();
      const int64_t rows = width == 0 ? 0 : grad.numel() / width;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < width; ++j) o[j] += g[r * width + j];
      return;
    }
    const std::vector<int64_t> strides[1] = {broadcast_strides(shape, grad.shape())};
    for_each_broadcast(grad.shape(), strides, [&](int64_t i, const int64_t* off) { o[off[0]] += g[i]; });
  });
  return out;
}

}  // namespace xenc
