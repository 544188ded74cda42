// Gather (opsets 1, 11, 13): picks slices of `data` along `axis` at the given
// (possibly negative) indices; output shape is data[:axis] + indices + data[axis+1:].
#include <cstring>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  const auto [data, indices] = gather_inputs(node, inputs);
  if (!data.type.shape) return {ValueType{data.type.dtype, std::nullopt}};
  const SymShape& in = *data.type.shape;
  const int64_t axis = normalize_axis(node.attr_int("axis", 0), static_cast<int64_t>(in.size()));
  const Dim& axis_dim = in[static_cast<size_t>(axis)];
  if (indices.value && axis_dim.is_known()) check_indices(*indices.value, axis_dim.value);
  if (!indices.type.shape) return {ValueType{data.type.dtype, std::nullopt}};
  SymShape out(in.begin(), in.begin() + axis);
  out.insert(out.end(), indices.type.shape->begin(), indices.type.shape->end());
  out.insert(out.end(), in.begin() + axis + 1, in.end());
  return {ValueType{data.type.dtype, out}};
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& data = *in[0];
  const Tensor& indices = *in[1];
  const size_t axis = static_cast<size_t>(normalize_axis(node.attr_int("axis", 0), data.rank()));
  const int64_t outer = dims_product(data.shape(), 0, axis);
  const int64_t axis_size = data.shape()[axis];
  const size_t slice_bytes =
      static_cast<size_t>(dims_product(data.shape(), axis + 1, data.shape().size())) * dtype_size(data.dtype());
  const int64_t count = indices.numel();
  const auto* src = static_cast<const std::byte*>(data.raw());
  auto* dst = static_cast<std::byte*>(out[0]->raw());
  for (int64_t j = 0; j < count; ++j) {
    const int64_t index = normalize_index(indices.int_at(j), axis_size);
    for (int64_t o = 0; o < outer; ++o) {
      std::memcpy(dst + static_cast<size_t>(o * count + j) * slice_bytes,
                  src + static_cast<size_t>(o * axis_size + index) * slice_bytes, slice_bytes);
    }
  }
}

}  // namespace

extern const OpSchema kGatherOp{"", "Gather", 1, infer, run};

}  // namespace xenc
