// Relu (opsets 6, 13, 14): Y = max(X, 0).
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

struct Relu {
  template <class T>
  T operator()(T x) const {
    return x > T(0) ? x : T(0);
  }
};

}  // namespace

extern const OpSchema kReluOp{"", "Relu", 6, infer_unary_of<kSignedTypes>, run_unary<TypeSet::kNumeric, Relu>};

}  // namespace xenc
