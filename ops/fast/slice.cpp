// Slice without heap allocation (opset >= 10, rank <= 8), for planned runs:
// exports slice a constant position-id table by the sequence length on every
// run. Everything else declines to the reference kernel.
#include <array>
#include <cstring>

#include "ops/common/slice_axis.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {

namespace {

constexpr size_t kMaxRank = 8;

template <class Word>
void copy_strided(const Word* src, int64_t base, const std::array<int64_t, kMaxRank>& strides, const Shape& shape,
                  Word* dst) {
  const size_t rank = shape.size();
  std::array<int64_t, kMaxRank> index{};
  const int64_t count = shape_numel(shape);
  int64_t offset = base;
  for (int64_t o = 0; o < count; ++o) {
    dst[o] = src[offset];
    // Odometer step: the last axis moves fastest.
    for (size_t d = rank; d-- > 0;) {
      offset += strides[d];
      if (++index[d] < shape[d]) break;
      offset -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

}  // namespace

bool fast_slice(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& data = *in[0];
  const size_t rank = data.shape().size();
  if (node.opset < 10 || rank == 0 || rank > kMaxRank) return false;
  const Tensor& starts = *in[1];
  const Tensor& ends = *in[2];
  const Tensor* axes = in.size() > 3 ? in[3] : nullptr;
  const Tensor* steps = in.size() > 4 ? in[4] : nullptr;

  std::array<int64_t, kMaxRank> strides{};
  for (size_t d = rank, stride = 1; d-- > 0;) {
    strides[d] = static_cast<int64_t>(stride);
    stride *= static_cast<size_t>(data.shape()[d]);
  }
  const std::array<int64_t, kMaxRank> whole = strides;
  int64_t base = 0;
  for (int64_t i = 0; i < starts.numel(); ++i) {
    int64_t axis = axes ? axes->int_at(i) : i;
    if (axis < 0) axis += static_cast<int64_t>(rank);  // the shape function validated the axes
    const auto a = static_cast<size_t>(axis);
    const SliceAxis r =
        resolve_slice_axis(starts.int_at(i), ends.int_at(i), steps ? steps->int_at(i) : 1, data.shape()[a]);
    base += r.start * whole[a];
    strides[a] = r.step * whole[a];
  }
  Tensor& y = *out[0];
  if (y.numel() == 0) return true;
  switch (dtype_size(data.dtype())) {
    case 4:
      copy_strided(static_cast<const uint32_t*>(data.raw()), base, strides, y.shape(), static_cast<uint32_t*>(y.raw()));
      return true;
    case 8:
      copy_strided(static_cast<const uint64_t*>(data.raw()), base, strides, y.shape(), static_cast<uint64_t*>(y.raw()));
      return true;
    default:
      return false;
  }
}

}  // namespace xenc
