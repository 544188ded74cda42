// Transpose: Y dim i is X dim perm[i], so dX is dY transposed by the
// inverse permutation. Attention moves [B,S,H,D] <-> [B,H,S,D] every layer
// and step, so the copy moves whole rows when the last axis stays last and
// runs in parallel over the output rows.
#include <algorithm>
#include <numeric>

#include "ops/common/data_movement.h"
#include "ops/common/dispatch.h"
#include "ops/fast/parallel.h"
#include "trainer/gradients/gradient_util.h"

namespace xenc {
namespace {

// An output dim: its size and the stride, in `src` elements, it walks.
struct StridedDim {
  int64_t size;
  int64_t stride;
};

// The output's dims in order with their source strides, simplified: size-1
// dims dropped, and neighbours merged when the outer one steps exactly over
// the inner one in the source, as it does in the output.
std::vector<StridedDim> output_dims(const Shape& shape, const std::vector<int64_t>& perm) {
  const std::vector<int64_t> strides = row_major_strides(shape);
  std::vector<StridedDim> dims;
  for (int64_t p : perm) {
    const StridedDim d{shape[static_cast<size_t>(p)], strides[static_cast<size_t>(p)]};
    if (d.size == 1) continue;
    if (!dims.empty() && dims.back().stride == d.stride * d.size) {
      dims.back() = StridedDim{dims.back().size * d.size, d.stride};
    } else {
      dims.push_back(d);
    }
  }
  return dims;
}

// dst (row-major) = src (of `shape`) transposed: dst dim i is src dim perm[i].
template <class T>
void transpose(const T* src, const Shape& shape, const std::vector<int64_t>& perm, T* dst) {
  const int64_t count = shape_numel(shape);
  if (count == 0) return;
  std::vector<StridedDim> dims = output_dims(shape, perm);
  // A last dim contiguous in the source is copied as whole rows; otherwise
  // every element is its own row.
  int64_t row = 1;
  if (!dims.empty() && dims.back().stride == 1) {
    row = dims.back().size;
    dims.pop_back();
  }
  parallel_chunks(count / row, row, [&](int64_t begin, int64_t end) {
    // The source offset of row `begin`, then an odometer over the rows.
    std::vector<int64_t> index(dims.size());
    int64_t offset = 0;
    for (size_t d = dims.size(), rest = static_cast<size_t>(begin); d-- > 0;) {
      index[d] = static_cast<int64_t>(rest % static_cast<size_t>(dims[d].size));
      rest /= static_cast<size_t>(dims[d].size);
      offset += index[d] * dims[d].stride;
    }
    for (int64_t r = begin; r < end; ++r) {
      std::copy_n(src + offset, row, dst + r * row);
      for (size_t d = dims.size(); d-- > 0;) {
        offset += dims[d].stride;
        if (++index[d] < dims[d].size) break;
        offset -= dims[d].stride * dims[d].size;
        index[d] = 0;
      }
    }
  });
}

std::vector<Gradient> transpose_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (!wants(args, 0)) return grads;
  const Tensor& x = *args.inputs[0];
  const Tensor& dy = *args.output_grads[0];
  // The forward's default: the dims reversed.
  std::vector<int64_t> reversed(static_cast<size_t>(x.rank()));
  std::iota(reversed.rbegin(), reversed.rend(), 0);
  const std::vector<int64_t> perm = args.node.attr_ints("perm", reversed);
  std::vector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inverse[static_cast<size_t>(perm[i])] = static_cast<int64_t>(i);
  Tensor dx(dy.dtype(), x.shape());
  dispatch_float(dy.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    transpose(dy.data<T>(), dy.shape(), inverse, dx.data<T>());
  });
  grads[0] = dense_gradient(dx);
  return grads;
}

}  // namespace

extern const GradientRule kTransposeGradient{"", "Transpose", 0b1, transpose_backward};

}  // namespace xenc
