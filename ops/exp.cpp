// Exp (opsets 6, 13): Y = e^X element-wise.
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Exp {
  template <class T>
  T operator()(T x) const {
    return std::exp(x);
  }
};

}  // namespace

extern const OpSchema kExpOp{"", "Exp", 6, infer_unary_of<kFloatTypes>, run_unary<TypeSet::kFloat, Exp>};

}  // namespace xenc
