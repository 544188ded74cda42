// Abs (opsets 6, 13): Y = |X| element-wise; the lowest signed integer maps
// to itself.
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

template <class T>
T absolute(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::fabs(x);  // clears the sign of -0 and NaN too
  } else if constexpr (std::is_signed_v<T>) {
    return x < 0 ? negate(x) : x;
  } else {
    return x;
  }
}

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  return infer_unary(inputs, kNumericTypes);
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    unary_map<T, T>(*in[0], *out[0], absolute<T>);
  });
}

}  // namespace

extern const OpSchema kAbsOp{"", "Abs", 6, infer, run};

}  // namespace xenc
