// Div (opsets 7, 13, 14): C = A / B with numpy broadcasting; integer
// division truncates toward zero as in C.
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Divide {
  template <class T>
  T operator()(T a, T b) const {
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
};

}  // namespace

extern const OpSchema kDivOp{"", "Div", 7, infer_binary_of<kNumericTypes>, run_binary<TypeSet::kNumeric, Divide>};

}  // namespace xenc
