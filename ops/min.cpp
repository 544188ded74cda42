// Min (opsets 6, 8, 12, 13): element-wise minimum of one or more inputs with numpy broadcasting (from opset 8).
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  if (inputs.empty()) throw Error("expects at least 1 input");
  return infer_broadcast(inputs, kOrderedTypes);
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_any(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    // NaN wins, as in numpy's minimum.
    variadic_map<T>(in, *out[0], [](T a, T b) {
      const auto x = arith_value(a);
      return (x <= arith_value(b) || is_nan(x)) ? a : b;
    });
  });
}

}  // namespace

extern const OpSchema kMinOp{"", "Min", 6, infer, run};

}  // namespace xenc
