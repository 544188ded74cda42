// Unsqueeze (opsets 1, 11, 13): inserts size-1 dims at `axes`, positions in
// the output (attribute before opset 13, required input from it).
#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 2);
  const ShapeInput& data = required_input(inputs, 0, "data");
  expect_storable(data, "data");
  const IntsArgument axes = ints_attr_or_input(node, inputs, "axes", 1, 13);
  if (!axes.present) throw Error("missing required 'axes'");
  const DType dtype = data.type.dtype;
  if (!data.type.shape) return {ValueType{dtype, std::nullopt}};
  const SymShape& in = *data.type.shape;
  if (!axes.values) {
    // Axes known only at run time: the output rank is still known from their count.
    const auto count = vector_length(inputs[1]);
    if (!count) return {ValueType{dtype, std::nullopt}};
    return {ValueType{dtype, unknown_dims(static_cast<int64_t>(in.size()) + *count)}};
  }
  const auto out_rank = static_cast<int64_t>(in.size() + axes.values->size());
  std::vector<bool> inserted(static_cast<size_t>(out_rank), false);
  for (int64_t a : normalize_axes(*axes.values, out_rank)) inserted[static_cast<size_t>(a)] = true;
  SymShape out;
  auto next_input_dim = in.begin();
  for (size_t i = 0; i < inserted.size(); ++i) out.push_back(inserted[i] ? Dim::known(1) : *next_input_dim++);
  return {ValueType{dtype, out}};
}

}  // namespace

extern const OpSchema kUnsqueezeOp{"", "Unsqueeze", 1, infer, copy_first_input};

}  // namespace xenc
