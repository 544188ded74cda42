// GreaterOrEqual (opsets 12, 16): C = (A >= B) as bool, with numpy broadcasting.
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  if (inputs.size() != 2) throw Error("expects 2 inputs");
  return infer_broadcast(inputs, kOrderedTypes, DType::kBool);
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  compare_map(*in[0], *in[1], *out[0], [](auto a, auto b) { return a >= b; });
}

}  // namespace

extern const OpSchema kGreaterOrEqualOp{"", "GreaterOrEqual", 12, infer, run};

}  // namespace xenc
