// Sqrt (opsets 6, 13): Y = sqrt(X) element-wise (NaN for negative X).
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Sqrt {
  template <class T>
  T operator()(T x) const {
    return std::sqrt(x);
  }
};

}  // namespace

extern const OpSchema kSqrtOp{"", "Sqrt", 6, infer_unary_of<kFloatTypes>, run_unary<TypeSet::kFloat, Sqrt>};

}  // namespace xenc
