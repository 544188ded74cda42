// Tanh (opsets 6, 13): Y = tanh(X) element-wise.
#include <cmath>

#include "ops/common/elementwise.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

struct Tanh {
  template <class T>
  T operator()(T x) const {
    return std::tanh(x);
  }
};

}  // namespace

extern const OpSchema kTanhOp{"", "Tanh", 6, infer_unary_of<kFloatTypes>, run_unary<TypeSet::kFloat, Tanh>,
                              fast_or_reference<fast_tanh, run_unary<TypeSet::kFloat, Tanh>>};

}  // namespace xenc
