// Squeeze (opsets 1, 11, 13): removes the size-1 dims named by `axes`
// (attribute before opset 13, optional input from it), or every size-1 dim.
#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 2);
  const ShapeInput& data = required_input(inputs, 0, "data");
  expect_storable(data, "data");
  const IntsArgument axes = ints_attr_or_input(node, inputs, "axes", 1, 13);
  const DType dtype = data.type.dtype;
  if (!data.type.shape) return {ValueType{dtype, std::nullopt}};
  const SymShape& in = *data.type.shape;
  const auto rank = static_cast<int64_t>(in.size());
  if (axes.present && !axes.values) {
    // Axes known only at run time: the output rank is still known from their count.
    const auto count = vector_length(inputs[1]);
    if (!count) return {ValueType{dtype, std::nullopt}};
    if (*count > rank) throw Error(std::to_string(*count) + " axes to squeeze from rank " + std::to_string(rank));
    return {ValueType{dtype, unknown_dims(rank - *count)}};
  }
  std::vector<bool> squeezed(in.size(), false);
  if (axes.present) {
    for (int64_t a : normalize_axes(*axes.values, rank)) {
      const Dim& d = in[static_cast<size_t>(a)];
      if (d.is_known() && d.value != 1)
        throw Error("cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(d.value) +
                    " in shape " + sym_shape_str(in));
      squeezed[static_cast<size_t>(a)] = true;
    }
  } else {
    for (size_t i = 0; i < in.size(); ++i) {
      // A symbolic dim might be 1 or not: the output rank is unknown.
      if (!in[i].is_known()) return {ValueType{dtype, std::nullopt}};
      squeezed[i] = in[i].value == 1;
    }
  }
  SymShape out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!squeezed[i]) out.push_back(in[i]);
  }
  return {ValueType{dtype, out}};
}

}  // namespace

extern const OpSchema kSqueezeOp{"", "Squeeze", 1, infer, copy_first_input};

}  // namespace xenc
