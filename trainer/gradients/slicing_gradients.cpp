// Ops that select or rearrange parts of their data: Slice, Concat, Split,
// Where and Tile. Each X element's gradient is the dY of the output elements
// it was copied to: scattered back, cut apart, joined or summed.
#include <cstring>

#include "ops/common/data_movement.h"
#include "ops/common/dispatch.h"
#include "ops/common/elementwise.h"
#include "ops/common/shape_util.h"
#include "ops/common/slice_axis.h"
#include "trainer/gradients/gradient_util.h"

namespace xenc {
namespace {

// Slice: dX is zero but at the sliced positions, which get dY. The
// arguments are read by the forward's own reader.
std::vector<Gradient> slice_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (!wants(args, 0)) return grads;
  const Tensor* tensors[4] = {};
  for (size_t i = 0; i < 4 && i + 1 < args.inputs.size(); ++i) tensors[i] = args.inputs[i + 1];
  const SliceArgs slice = read_slice_args(args.node, tensors);

  // dY element at multi-index i lands at dX offset base + sum(i[d] * strides[d]).
  const Tensor& x = *args.inputs[0];
  const Tensor& dy = *args.output_grads[0];
  const std::vector<int64_t> x_strides = row_major_strides(x.shape());
  std::vector<int64_t> strides = x_strides;
  int64_t base = 0;
  const std::vector<int64_t> normalized = normalize_axes(slice.axes, x.rank());
  for (size_t i = 0; i < normalized.size(); ++i) {
    const auto axis = static_cast<size_t>(normalized[i]);
    const SliceAxis r = resolve_slice_axis(slice.starts[i], slice.ends[i], slice.steps[i], x.shape()[axis]);
    base += r.start * x_strides[axis];
    strides[axis] = r.step * x_strides[axis];
  }
  Tensor dx(dy.dtype(), x.shape());
  dispatch_float(dy.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* g = dy.data<T>();
    T* out = dx.data<T>();
    const std::vector<int64_t> offsets[1] = {strides};
    // Steps are never 0, so no two dY elements share a position.
    for_each_broadcast(dy.shape(), offsets, [&](int64_t o, const int64_t* off) { out[base + off[0]] = g[o]; });
  });
  grads[0] = dense_gradient(dx);
  return grads;
}

// Concat's layout along an axis, shared by Concat and Split: each of the
// `outer` rows of the whole tensor is the parts' rows side by side, part k's
// `widths[k]` bytes wide. Calls move(k, whole_offset, part_offset, bytes)
// for every row of every part.
template <class Move>
void for_each_part_row(int64_t outer, const std::vector<size_t>& widths, Move move) {
  size_t whole_row = 0;
  for (size_t w : widths) whole_row += w;
  size_t column = 0;
  for (size_t k = 0; k < widths.size(); ++k) {
    for (int64_t o = 0; o < outer; ++o) {
      const auto row = static_cast<size_t>(o);
      move(k, row * whole_row + column, row * widths[k], widths[k]);
    }
    column += widths[k];
  }
}

// Concat: input k's gradient is its columns of dY.
std::vector<Gradient> concat_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  const Tensor& dy = *args.output_grads[0];
  const Shape& shape = dy.shape();
  const auto axis = static_cast<size_t>(normalize_axis(args.node.attr_int("axis", 0), dy.rank()));
  const size_t elem = dtype_size(dy.dtype());
  std::vector<size_t> widths;
  for (const Tensor* part : args.inputs)
    widths.push_back(static_cast<size_t>(dims_product(part->shape(), axis, shape.size())) * elem);
  std::vector<Tensor> parts(args.inputs.size());
  for (size_t k = 0; k < parts.size(); ++k) {
    if (wants(args, k)) parts[k] = Tensor(dy.dtype(), args.inputs[k]->shape());
  }
  const auto* whole = static_cast<const std::byte*>(dy.raw());
  for_each_part_row(dims_product(shape, 0, axis), widths, [&](size_t k, size_t at, size_t part_at, size_t bytes) {
    if (!parts[k].empty_handle() && bytes)
      std::memcpy(static_cast<std::byte*>(parts[k].raw()) + part_at, whole + at, bytes);
  });
  for (size_t k = 0; k < parts.size(); ++k) {
    if (!parts[k].empty_handle()) grads[k] = dense_gradient(parts[k]);
  }
  return grads;
}

// Split: dX is the outputs' gradients joined as Concat joins, zeros for an
// output no gradient reaches. Part sizes are the forward outputs' dims.
std::vector<Gradient> split_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (!wants(args, 0)) return grads;
  const Tensor& x = *args.inputs[0];
  const Shape& shape = x.shape();
  const auto axis = static_cast<size_t>(normalize_axis(args.node.attr_int("axis", 0), x.rank()));
  const size_t elem = dtype_size(x.dtype());
  const size_t inner = static_cast<size_t>(dims_product(shape, axis + 1, shape.size())) * elem;
  std::vector<size_t> widths;
  for (const Tensor* y : args.outputs) widths.push_back(static_cast<size_t>(y->shape()[axis]) * inner);
  Tensor dx(x.dtype(), shape);
  auto* whole = static_cast<std::byte*>(dx.raw());
  for_each_part_row(dims_product(shape, 0, axis), widths, [&](size_t k, size_t at, size_t part_at, size_t bytes) {
    const Tensor* dyk = args.output_grads[k];
    if (dyk && bytes) std::memcpy(whole + at, static_cast<const std::byte*>(dyk->raw()) + part_at, bytes);
  });
  grads[0] = dense_gradient(dx);
  return grads;
}

// Where: dY goes to X where the condition holds and to Y elsewhere, then
// down to each one's shape as broadcasting stretched it.
std::vector<Gradient> where_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  const Tensor& condition = *args.inputs[0];
  const Tensor& dy = *args.output_grads[0];
  dispatch_float(dy.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (size_t i = 1; i < 3; ++i) {
      if (!wants(args, i)) continue;
      const bool to_x = i == 1;
      Tensor routed(dy.dtype(), dy.shape());
      binary_map<bool, T, T>(condition, dy, routed, [to_x](bool c, T g) { return c == to_x ? g : T(0); });
      grads[i] = dense_gradient(sum_to_shape(routed, args.inputs[i]->shape()));
    }
  });
  return grads;
}

// Tile: dY read as [r0, n0, r1, n1, ...] (repeat, then the input dim) holds
// every tile; summing over the repeat dims adds them up into dX.
std::vector<Gradient> tile_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (!wants(args, 0)) return grads;
  const Tensor& x = *args.inputs[0];
  const std::vector<int64_t> repeats = args.inputs[1]->to_int64_vector();
  Shape tiles, one_tile;
  for (size_t d = 0; d < x.shape().size(); ++d) {
    tiles.insert(tiles.end(), {repeats[d], x.shape()[d]});
    one_tile.insert(one_tile.end(), {1, x.shape()[d]});
  }
  grads[0] = dense_gradient(sum_to_shape(args.output_grads[0]->reshaped(tiles), one_tile).reshaped(x.shape()));
  return grads;
}

}  // namespace

extern const GradientRule kSliceGradient{"", "Slice", 0b1, slice_backward};
extern const GradientRule kConcatGradient{"", "Concat", ~0u, concat_backward};
extern const GradientRule kSplitGradient{"", "Split", 0b1, split_backward};
extern const GradientRule kWhereGradient{"", "Where", 0b110, where_backward};
extern const GradientRule kTileGradient{"", "Tile", 0b1, tile_backward};

}  // namespace xenc
