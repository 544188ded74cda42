// Erf (opsets 9, 13): Y = erf(X) element-wise; integer inputs round the result toward zero.
#include <cmath>

#include "ops/common/elementwise.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

struct Erf {
  template <class T>
  T operator()(T x) const {
    return static_cast<T>(std::erf(x));
  }
};

}  // namespace

extern const OpSchema kErfOp{"", "Erf", 9, infer_unary_of<kNumericTypes>, run_unary<TypeSet::kNumeric, Erf>,
                             fast_or_reference<fast_erf, run_unary<TypeSet::kNumeric, Erf>>};

}  // namespace xenc
