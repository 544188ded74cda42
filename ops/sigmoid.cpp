// Sigmoid (opsets 6, 13): Y = 1 / (1 + e^-X) element-wise.
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

// Exponentiates only non-positive numbers, so neither branch overflows.
template <class T>
T sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  return infer_unary(inputs, kFloatTypes);
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_float(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    unary_map<T, T>(*in[0], *out[0], sigmoid<T>);
  });
}

}  // namespace

extern const OpSchema kSigmoidOp{"", "Sigmoid", 6, infer, run};

}  // namespace xenc
