// ReduceMax (opsets 1, 11, 12, 13, 18): maximum over `axes` (an input from
// opset 18), all axes when empty unless noop_with_empty_axes. NaN wins, as
// in numpy; an empty reduction gives -inf (the lowest value for integers).
#include <limits>

#include "ops/common/reduce.h"

namespace xenc {
namespace {

constexpr int kAxesInputSince = 18;

template <class T>
struct Max {
  static T init() {
    using Limits = std::numeric_limits<T>;
    return Limits::has_infinity ? -Limits::infinity() : Limits::lowest();
  }
  static T step(T acc, T x) { return x > acc || is_nan(x) ? x : acc; }
  static T finish(T acc, int64_t) { return acc; }
};

}  // namespace

extern const OpSchema kReduceMaxOp{"", "ReduceMax", 1, infer_numeric_reduce<kAxesInputSince>,
                                   run_numeric_reduce<kAxesInputSince, Max>};

}  // namespace xenc
