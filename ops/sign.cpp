// Sign (opsets 9, 13): Y = -1, 0 or 1 by the sign of X, element-wise; NaN
// stays NaN (as numpy's sign).
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

template <class T>
T sign(T x) {
  if (x > T(0)) return T(1);
  if constexpr (std::is_signed_v<T>) {
    if (x < T(0)) return T(-1);
  }
  return x;  // zero or NaN
}

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  return infer_unary(inputs, kNumericTypes);
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    unary_map<T, T>(*in[0], *out[0], sign<T>);
  });
}

}  // namespace

extern const OpSchema kSignOp{"", "Sign", 9, infer, run};

}  // namespace xenc
