// Floor (opsets 6, 13): Y = the largest integer value <= X, element-wise.
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Floor {
  template <class T>
  T operator()(T x) const {
    return std::floor(x);
  }
};

}  // namespace

extern const OpSchema kFloorOp{"", "Floor", 6, infer_unary_of<kFloatTypes>, run_unary<TypeSet::kFloat, Floor>};

}  // namespace xenc
