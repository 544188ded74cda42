// Sign (opsets 9, 13): Y = -1, 0 or 1 by the sign of X, element-wise; NaN
// stays NaN (as numpy's sign).
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Sign {
  template <class T>
  T operator()(T x) const {
    if (x > T(0)) return T(1);
    if constexpr (std::is_signed_v<T>) {
      if (x < T(0)) return T(-1);
    }
    return x;  // zero or NaN
  }
};

}  // namespace

extern const OpSchema kSignOp{"", "Sign", 9, infer_unary_of<kNumericTypes>, run_unary<TypeSet::kNumeric, Sign>};

}  // namespace xenc
