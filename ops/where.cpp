// Where (opsets 9, 16): output = condition ? X : Y element-wise, the three
// inputs broadcast together numpy-style.
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 3, 3);
  expect_dtype(required_input(inputs, 0, "condition"), {DType::kBool}, "condition");
  const std::vector<ValueType> values = infer_broadcast(inputs.subspan(1), kStoredTypes);
  return {ValueType{values[0].dtype, broadcast_inputs(inputs)}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_any(in[1]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    ternary_map<bool, T, T, T>(*in[0], *in[1], *in[2], *out[0], [](bool c, T x, T y) { return c ? x : y; });
  });
}

}  // namespace

extern const OpSchema kWhereOp{"", "Where", 9, infer, run};

}  // namespace xenc
