// Sigmoid (opsets 6, 13): Y = 1 / (1 + e^-X) element-wise.
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Sigmoid {
  // Exponentiates only non-positive numbers, so neither branch overflows.
  template <class T>
  T operator()(T x) const {
    if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
  }
};

}  // namespace

extern const OpSchema kSigmoidOp{"", "Sigmoid", 6, infer_unary_of<kFloatTypes>, run_unary<TypeSet::kFloat, Sigmoid>};

}  // namespace xenc
