// Size (opsets 1, 13): the input's element count as an int64 scalar.
#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 1);
  expect_storable(required_input(inputs, 0, "data"), "data");
  return {ValueType{DType::kInt64, SymShape{}}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  *out[0]->data<int64_t>() = in[0]->numel();
}

}  // namespace

extern const OpSchema kSizeOp{"", "Size", 1, infer, run};

}  // namespace xenc
