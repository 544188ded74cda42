// Gather and GatherElements copy elements of `data` to the output, so each
// output gradient element flows back to the element it was copied from; an
// element read several times adds up their gradients (a scatter-add).
#include "ops/common/data_movement.h"
#include "ops/common/dispatch.h"
#include "ops/common/shape_util.h"
#include "trainer/gradients/gradient_util.h"

namespace xenc {
namespace {

// Gather's output is data[:axis] + indices + data[axis+1:]: for each outer
// index o and index position j, a slice of data[o, indices[j]].
std::vector<Gradient> gather_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (!wants(args, 0)) return grads;
  const Tensor& data = *args.inputs[0];
  const Tensor& indices = *args.inputs[1];
  const Tensor& dy = *args.output_grads[0];
  const auto axis = static_cast<size_t>(normalize_axis(args.node.attr_int("axis", 0), data.rank()));
  const int64_t axis_size = data.shape()[axis];
  const int64_t count = indices.numel();
  const int64_t slice = dims_product(data.shape(), axis + 1, data.shape().size());

  // An embedding table: dY is already one row per index, in index order.
  if (axis == 0) {
    RowGradient by_rows;
    by_rows.rows.reserve(static_cast<size_t>(count));
    for (int64_t j = 0; j < count; ++j) by_rows.rows.push_back(normalize_index(indices.int_at(j), axis_size));
    by_rows.values = dy.reshaped({count, slice});
    grads[0] = Gradient{Tensor(), std::move(by_rows)};
    return grads;
  }

  const int64_t outer = dims_product(data.shape(), 0, axis);
  Tensor dx(dy.dtype(), data.shape());
  dispatch_float(dy.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for (int64_t j = 0; j < count; ++j) {
      const int64_t index = normalize_index(indices.int_at(j), axis_size);
      for (int64_t o = 0; o < outer; ++o) {
        const T* from = pdy + (o * count + j) * slice;
        T* to = pdx + (o * axis_size + index) * slice;
        for (int64_t e = 0; e < slice; ++e) to[e] += from[e];
      }
    }
  });
  grads[0] = dense_gradient(dx);
  return grads;
}

// GatherElements: output element i came from data at i with i[axis]
// replaced by indices[i].
std::vector<Gradient> gather_elements_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (!wants(args, 0)) return grads;
  const Tensor& data = *args.inputs[0];
  const Tensor& indices = *args.inputs[1];
  const Tensor& dy = *args.output_grads[0];
  const auto axis = static_cast<size_t>(normalize_axis(args.node.attr_int("axis", 0), data.rank()));
  const int64_t axis_size = data.shape()[axis];
  // Offsets into data for every index position, with the gathered axis left out.
  std::vector<int64_t> strides = row_major_strides(data.shape());
  const int64_t axis_stride = strides[axis];
  strides[axis] = 0;
  const std::vector<int64_t> offsets[1] = {strides};
  Tensor dx(dy.dtype(), data.shape());
  dispatch_float(dy.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for_each_broadcast(indices.shape(), offsets, [&](int64_t i, const int64_t* off) {
      pdx[off[0] + normalize_index(indices.int_at(i), axis_size) * axis_stride] += pdy[i];
    });
  });
  grads[0] = dense_gradient(dx);
  return grads;
}

}  // namespace

extern const GradientRule kGatherGradient{"", "Gather", 0b1, gather_backward};
extern const GradientRule kGatherElementsGradient{"", "GatherElements", 0b1, gather_elements_backward};

}  // namespace xenc
