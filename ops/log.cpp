// Log (opsets 6, 13): Y = ln(X) element-wise (-inf at 0, NaN below).
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  return infer_unary(inputs, kFloatTypes);
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_float(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    unary_map<T, T>(*in[0], *out[0], [](T x) { return std::log(x); });
  });
}

}  // namespace

extern const OpSchema kLogOp{"", "Log", 6, infer, run};

}  // namespace xenc
