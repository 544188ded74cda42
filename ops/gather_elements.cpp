// GatherElements (opsets 11, 13): out[i] = data[i with i[axis] replaced by
// indices[i]] for indices of data's rank (negative indices count from the end).
#include <cstring>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  const auto [data, indices] = gather_inputs(node, inputs);
  const auto& data_shape = data.type.shape;
  const auto& index_shape = indices.type.shape;
  const ValueType result{data.type.dtype, index_shape};
  if (!data_shape) return {result};
  const auto rank = static_cast<int64_t>(data_shape->size());
  const auto axis = static_cast<size_t>(normalize_axis(node.attr_int("axis", 0), rank));
  if (!index_shape) return {result};
  if (data_shape->size() != index_shape->size())
    throw Error("indices have rank " + std::to_string(index_shape->size()) + " but data has rank " +
                std::to_string(data_shape->size()));
  for (size_t d = 0; d < data_shape->size(); ++d) {
    const Dim& have = (*data_shape)[d];
    const Dim& want = (*index_shape)[d];
    // Off the gather axis an index dim walks data's dim, so it must fit in it.
    if (d != axis && have.is_known() && want.is_known() && want.value > have.value)
      throw Error("indices shape " + sym_shape_str(*index_shape) + " exceeds data shape " +
                  sym_shape_str(*data_shape) + " on axis " + std::to_string(d));
  }
  const Dim& axis_dim = (*data_shape)[axis];
  if (indices.value && axis_dim.is_known()) check_indices(*indices.value, axis_dim.value);
  return {result};
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& data = *in[0];
  const Tensor& indices = *in[1];
  const auto axis = static_cast<size_t>(normalize_axis(node.attr_int("axis", 0), data.rank()));
  const int64_t axis_size = data.shape()[axis];
  // Offsets into data for every index position, with the gathered axis left out.
  std::vector<int64_t> strides = row_major_strides(data.shape());
  const int64_t axis_stride = strides[axis];
  strides[axis] = 0;
  const std::vector<int64_t> offsets[1] = {strides};
  const size_t elem = dtype_size(data.dtype());
  const auto* src = static_cast<const std::byte*>(data.raw());
  auto* dst = static_cast<std::byte*>(out[0]->raw());
  for_each_broadcast(indices.shape(), offsets, [&](int64_t o, const int64_t* off) {
    const int64_t source = off[0] + normalize_index(indices.int_at(o), axis_size) * axis_stride;
    std::memcpy(dst + static_cast<size_t>(o) * elem, src + static_cast<size_t>(source) * elem, elem);
  });
}

}  // namespace

extern const OpSchema kGatherElementsOp{"", "GatherElements", 11, infer, run};

}  // namespace xenc
