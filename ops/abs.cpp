// Abs (opsets 6, 13): Y = |X| element-wise; the lowest signed integer maps
// to itself.
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Absolute {
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) {
      return std::fabs(x);  // clears the sign of -0 and NaN too
    } else if constexpr (std::is_signed_v<T>) {
      return x < 0 ? negate(x) : x;
    } else {
      return x;
    }
  }
};

}  // namespace

extern const OpSchema kAbsOp{"", "Abs", 6, infer_unary_of<kNumericTypes>, run_unary<TypeSet::kNumeric, Absolute>};

}  // namespace xenc
