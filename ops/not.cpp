// Not (opset 1): Y = not X on a bool tensor.
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  return infer_unary(inputs, {DType::kBool});
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  unary_map<bool, bool>(*in[0], *out[0], [](bool x) { return !x; });
}

}  // namespace

extern const OpSchema kNotOp{"", "Not", 1, infer, run};

}  // namespace xenc
