// Log (opsets 6, 13): Y = ln(X) element-wise (-inf at 0, NaN below).
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Log {
  template <class T>
  T operator()(T x) const {
    return std::log(x);
  }
};

}  // namespace

extern const OpSchema kLogOp{"", "Log", 6, infer_unary_of<kFloatTypes>, run_unary<TypeSet::kFloat, Log>};

}  // namespace xenc
