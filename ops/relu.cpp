// Relu (opsets 6, 13, 14): Y = max(X, 0).
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  return infer_unary(inputs, kSignedTypes);
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    unary_map<T, T>(*in[0], *out[0], [](T x) { return x > T(0) ? x : T(0); });
  });
}

}  // namespace

extern const OpSchema kReluOp{"", "Relu", 6, infer, run};

}  // namespace xenc
