// ReduceSum (opsets 1, 11, 13): sum over `axes` (an input from opset 13),
// all axes when empty unless noop_with_empty_axes. Floats accumulate in
// double; integers wrap around like numpy's.
#include <type_traits>

#include "ops/common/elementwise.h"
#include "ops/common/reduce.h"

namespace xenc {
namespace {

constexpr int kAxesInputSince = 13;

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  return infer_reduce(node, inputs, kAxesInputSince, kNumericTypes);
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const std::vector<bool> reduced = reduced_dims(node, in, kAxesInputSince);
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    // Unsigned 64-bit sums wrap without undefined behaviour; the cast back is modular.
    using Acc = std::conditional_t<std::is_integral_v<T>, uint64_t, double>;
    reduce_fold<T>(
        *in[0], *out[0], reduced, Acc(0), [](Acc acc, T x) { return acc + static_cast<Acc>(x); },
        [](Acc acc, int64_t) { return static_cast<T>(acc); });
  });
}

}  // namespace

extern const OpSchema kReduceSumOp{"", "ReduceSum", 1, infer, run};

}  // namespace xenc
