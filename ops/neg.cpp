// Neg (opsets 6, 13): Y = -X element-wise; the lowest integer maps to itself.
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Negate {
  template <class T>
  T operator()(T x) const {
    return negate(x);
  }
};

}  // namespace

extern const OpSchema kNegOp{"", "Neg", 6, infer_unary_of<kSignedTypes>, run_unary<TypeSet::kNumeric, Negate>};

}  // namespace xenc
