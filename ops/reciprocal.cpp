// Reciprocal (opsets 6, 13): Y = 1 / X element-wise.
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Reciprocal {
  template <class T>
  T operator()(T x) const {
    return T(1) / x;
  }
};

}  // namespace

extern const OpSchema kReciprocalOp{"", "Reciprocal", 6, infer_unary_of<kFloatTypes>,
                                    run_unary<TypeSet::kFloat, Reciprocal>};

}  // namespace xenc
