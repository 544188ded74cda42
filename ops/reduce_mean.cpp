// ReduceMean (opsets 1, 11, 13, 18): mean over `axes` (an input from opset
// 18), all axes when empty unless noop_with_empty_axes. Sums accumulate in
// double; integer means truncate toward zero like numpy's astype.
#include "ops/common/reduce.h"

namespace xenc {
namespace {

constexpr int kAxesInputSince = 18;

template <class T>
struct Mean {
  static double init() { return 0.0; }
  static double step(double acc, T x) { return acc + static_cast<double>(x); }
  static T finish(double acc, int64_t count) { return static_cast<T>(acc / static_cast<double>(count)); }
};

}  // namespace

extern const OpSchema kReduceMeanOp{"", "ReduceMean", 1, infer_numeric_reduce<kAxesInputSince>,
                                    run_numeric_reduce<kAxesInputSince, Mean>};

}  // namespace xenc
