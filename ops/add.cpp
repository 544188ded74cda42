// Add (opsets 7, 13, 14): C = A + B with numpy broadcasting.
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  if (inputs.size() != 2) throw Error("expects 2 inputs");
  return infer_broadcast(inputs, kNumericTypes);
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    binary_map<T, T, T>(*in[0], *in[1], *out[0], [](T a, T b) { return static_cast<T>(a + b); });
  });
}

}  // namespace

extern const OpSchema kAddOp{"", "Add", 7, infer, run};

}  // namespace xenc
