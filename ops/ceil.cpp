// Ceil (opsets 6, 13): Y = the smallest integer value >= X, element-wise.
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Ceil {
  template <class T>
  T operator()(T x) const {
    return std::ceil(x);
  }
};

}  // namespace

extern const OpSchema kCeilOp{"", "Ceil", 6, infer_unary_of<kFloatTypes>, run_unary<TypeSet::kFloat, Ceil>};

}  // namespace xenc
