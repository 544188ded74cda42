#include "ops/common/data_movement.h"

#include <cstring>

#include "ops/common/shape_util.h"

namespace xenc {

void expect_storable(const ShapeInput& in, const char* what) {
  if (in.type.dtype != DType::kUndefined && dtype_size(in.type.dtype) == 0)
    throw Error(std::string("input '") + what + "' has unsupported dtype " + dtype_name(in.type.dtype));
}

std::optional<int64_t> vector_length(const ShapeInput& in) {
  const auto& s = in.type.shape;
  if (s && s->size() == 1 && (*s)[0].is_known()) return (*s)[0].value;
  return std::nullopt;
}

Dim dim_product(std::span<const Dim> dims) {
  int64_t known = 1;
  const Dim* unknown = nullptr;
  size_t unknown_count = 0;
  for (const Dim& d : dims) {
    if (d.is_known()) {
      known *= d.value;
    } else {
      unknown = &d;
      ++unknown_count;
    }
  }
  if (known == 0 || unknown_count == 0) return Dim::known(known);
  if (unknown_count == 1 && known == 1) return *unknown;
  return Dim::unknown();
}

int64_t dims_product(const Shape& shape, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end; ++i) n *= shape[i];
  return n;
}

std::vector<int64_t> row_major_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank) {
  std::vector<int64_t> out;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t axis : axes) {
    const int64_t a = normalize_axis(axis, rank);
    if (seen[static_cast<size_t>(a)])
      throw Error("axes " + shape_str(axes) + " name dim " + std::to_string(a) + " twice");
    seen[static_cast<size_t>(a)] = true;
    out.push_back(a);
  }
  return out;
}

namespace {
// Copies whole elements as unsigned words of their size.
template <class Word>
void strided_copy_words(const Word* src, int64_t base, const std::vector<int64_t>& strides, const Shape& out_shape,
                        Word* dst) {
  const std::vector<int64_t> offsets[1] = {strides};
  for_each_broadcast(out_shape, offsets, [&](int64_t o, const int64_t* off) { dst[o] = src[base + off[0]]; });
}
}  // namespace

void strided_copy(const Tensor& in, int64_t base, const std::vector<int64_t>& strides, Tensor& out) {
  const Shape& shape = out.shape();
  switch (dtype_size(in.dtype())) {
    case 1:
      return strided_copy_words(static_cast<const uint8_t*>(in.raw()), base, strides, shape,
                                static_cast<uint8_t*>(out.raw()));
    case 2:
      return strided_copy_words(static_cast<const uint16_t*>(in.raw()), base, strides, shape,
                                static_cast<uint16_t*>(out.raw()));
    case 4:
      return strided_copy_words(static_cast<const uint32_t*>(in.raw()), base, strides, shape,
                                static_cast<uint32_t*>(out.raw()));
    case 8:
      return strided_copy_words(static_cast<const uint64_t*>(in.raw()), base, strides, shape,
                                static_cast<uint64_t*>(out.raw()));
    default: throw Error("cannot copy elements of dtype " + dtype_name(in.dtype()));
  }
}

void copy_first_input(const Node&, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs) {
  if (inputs[0]->nbytes() && inputs[0]->raw() != outputs[0]->raw())
    std::memcpy(outputs[0]->raw(), inputs[0]->raw(), inputs[0]->nbytes());
}

int64_t normalize_index(int64_t index, int64_t bound) {
  if (index < -bound || index >= bound)
    throw Error("index " + std::to_string(index) + " is out of range for a dimension of size " +
                std::to_string(bound) + " (valid: [" + std::to_string(-bound) + ", " + std::to_string(bound - 1) +
                "])");
  return index < 0 ? index + bound : index;
}

void check_indices(const Tensor& indices, int64_t bound) {
  for (int64_t i = 0; i < indices.numel(); ++i) normalize_index(indices.int_at(i), bound);
}

GatherInputs gather_inputs(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 2);
  const ShapeInput& data = required_input(inputs, 0, "data");
  const ShapeInput& indices = required_input(inputs, 1, "indices");
  expect_storable(data, "data");
  expect_dtype(indices, {DType::kInt32, DType::kInt64}, "indices");
  return {data, indices};
}

IntsArgument ints_attr_or_input(const Node& node, std::span<const ShapeInput> inputs, const char* name,
                                size_t input_index, int input_since_opset) {
  IntsArgument arg;
  if (node.opset < input_since_opset) {
    if (input_index < inputs.size())
      throw Error(std::string("'") + name + "' is an attribute before opset " + std::to_string(input_since_opset) +
                  ", not an input");
    arg.present = node.has_attr(name);
    if (arg.present) arg.values = node.attr_ints(name);
    return arg;
  }
  if (node.has_attr(name))
    throw Error(std::string("attribute '") + name + "' became an input at opset " +
                std::to_string(input_since_opset));
  if (input_index >= inputs.size() || !inputs[input_index].present) return arg;
  expect_dtype(inputs[input_index], {DType::kInt64}, name);
  arg.present = true;
  arg.values = const_ints(inputs[input_index]);
  return arg;
}

std::vector<ValueType> infer_axes_edit(const Node& node, std::span<const ShapeInput> inputs, bool axes_required,
                                       int rank_change_per_axis, AxesShapeEdit edit) {
  expect_input_count(node, inputs, 1, 2);
  const ShapeInput& data = required_input(inputs, 0, "data");
  expect_storable(data, "data");
  const IntsArgument axes = ints_attr_or_input(node, inputs, "axes", 1, 13);
  if (axes_required && !axes.present) throw Error("missing required 'axes'");
  const DType dtype = data.type.dtype;
  if (!data.type.shape) return {ValueType{dtype, std::nullopt}};
  const auto rank = static_cast<int64_t>(data.type.shape->size());
  if (axes.present && !axes.values) {
    const auto count = vector_length(inputs[1]);
    if (!count) return {ValueType{dtype, std::nullopt}};
    const int64_t out_rank = rank + rank_change_per_axis * *count;
    // Only Squeeze lowers the rank.
    if (out_rank < 0) throw Error(std::to_string(*count) + " axes to squeeze from rank " + std::to_string(rank));
    return {ValueType{dtype, unknown_dims(out_rank)}};
  }
  return {ValueType{dtype, edit(*data.type.shape, axes.present ? &*axes.values : nullptr)}};
}

}  // namespace xenc
