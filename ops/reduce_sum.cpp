// ReduceSum (opsets 1, 11, 13): sum over `axes` (an input from opset 13),
// all axes when empty unless noop_with_empty_axes. Floats accumulate in
// double; integers wrap around like numpy's.
#include <type_traits>

#include "ops/common/reduce.h"

namespace xenc {
namespace {

constexpr int kAxesInputSince = 13;

template <class T>
struct Sum {
  // Unsigned 64-bit sums wrap without undefined behaviour; the cast back is modular.
  using Acc = std::conditional_t<std::is_integral_v<T>, uint64_t, double>;
  static Acc init() { return Acc(0); }
  static Acc step(Acc acc, T x) { return acc + static_cast<Acc>(x); }
  static T finish(Acc acc, int64_t) { return static_cast<T>(acc); }
};

}  // namespace

extern const OpSchema kReduceSumOp{"", "ReduceSum", 1, infer_numeric_reduce<kAxesInputSince>,
                                   run_numeric_reduce<kAxesInputSince, Sum>};

}  // namespace xenc
