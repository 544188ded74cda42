// ReduceMax (opsets 1, 11, 12, 13, 18): maximum over `axes` (an input from
// opset 18), all axes when empty unless noop_with_empty_axes. NaN wins, as
// in numpy; an empty reduction gives -inf (the lowest value for integers).
#include <cmath>
#include <limits>

#include "ops/common/elementwise.h"
#include "ops/common/reduce.h"

namespace xenc {
namespace {

constexpr int kAxesInputSince = 18;

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  return infer_reduce(node, inputs, kAxesInputSince, kNumericTypes);
}

template <class T>
bool is_nan(T x) {
  if constexpr (std::numeric_limits<T>::has_quiet_NaN) return std::isnan(x);
  return false;
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const std::vector<bool> reduced = reduced_dims(node, in, kAxesInputSince);
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Limits = std::numeric_limits<T>;
    const T lowest = Limits::has_infinity ? -Limits::infinity() : Limits::lowest();
    reduce_fold<T>(
        *in[0], *out[0], reduced, lowest, [](T acc, T x) { return x > acc || is_nan(x) ? x : acc; },
        [](T acc, int64_t) { return acc; });
  });
}

}  // namespace

extern const OpSchema kReduceMaxOp{"", "ReduceMax", 1, infer, run};

}  // namespace xenc
