// Erf (opsets 9, 13): Y = erf(X) element-wise; integer inputs round the result toward zero.
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  return infer_unary(inputs, kNumericTypes);
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    unary_map<T, T>(*in[0], *out[0], [](T x) { return static_cast<T>(std::erf(x)); });
  });
}

}  // namespace

extern const OpSchema kErfOp{"", "Erf", 9, infer, run};

}  // namespace xenc
