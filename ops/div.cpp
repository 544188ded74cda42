// Div (opsets 7, 13, 14): C = A / B with numpy broadcasting; integer
// division truncates toward zero as in C.
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

template <class T>
T divide(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    // The divisor is data, so this is the one check shape inference cannot make.
    if (b == 0) throw Error("integer division by zero");
    // lowest / -1 overflows; the wrapped quotient is -a modulo 2^bits.
    if constexpr (std::is_signed_v<T>) {
      if (b == T(-1)) return negate(a);
    }
  }
  return static_cast<T>(a / b);
}

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  if (inputs.size() != 2) throw Error("expects 2 inputs");
  return infer_broadcast(inputs, kNumericTypes);
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    binary_map<T, T, T>(*in[0], *in[1], *out[0], divide<T>);
  });
}

}  // namespace

extern const OpSchema kDivOp{"", "Div", 7, infer, run};

}  // namespace xenc
