// Shape (opsets 1, 13, 15): the input's dims as a 1-D int64 tensor; from
// opset 15 only dims [start, end), negative positions counted from the end.
#include <algorithm>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

// The clamped [start, end) range of dims reported for an input of `rank`.
std::pair<size_t, size_t> dim_range(const Node& node, int64_t rank) {
  const auto position = [rank](int64_t p) {
    return static_cast<size_t>(std::clamp(p < 0 ? p + rank : p, int64_t{0}, rank));
  };
  const size_t start = position(node.attr_int("start", 0));
  const size_t end = position(node.attr_int("end", rank));
  return {start, std::max(start, end)};
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ShapeInput& data = required_input(inputs, 0, "data");
  expect_storable(data, "data");
  if (!data.type.shape) return {ValueType{DType::kInt64, unknown_dims(1)}};
  const auto [start, end] = dim_range(node, static_cast<int64_t>(data.type.shape->size()));
  return {ValueType{DType::kInt64, SymShape{Dim::known(static_cast<int64_t>(end - start))}}};
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Shape& shape = in[0]->shape();
  const auto [start, end] = dim_range(node, in[0]->rank());
  std::copy(shape.begin() + static_cast<std::ptrdiff_t>(start), shape.begin() + static_cast<std::ptrdiff_t>(end),
            out[0]->data<int64_t>());
}

}  // namespace

extern const OpSchema kShapeOp{"", "Shape", 1, infer, run};

}  // namespace xenc
