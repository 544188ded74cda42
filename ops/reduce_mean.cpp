// ReduceMean (opsets 1, 11, 13, 18): mean over `axes` (an input from opset
// 18), all axes when empty unless noop_with_empty_axes. Sums accumulate in
// double; integer means truncate toward zero like numpy's astype.
#include "ops/common/elementwise.h"
#include "ops/common/reduce.h"

namespace xenc {
namespace {

constexpr int kAxesInputSince = 18;

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  return infer_reduce(node, inputs, kAxesInputSince, kNumericTypes);
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const std::vector<bool> reduced = reduced_dims(node, in, kAxesInputSince);
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    reduce_fold<T>(
        *in[0], *out[0], reduced, 0.0, [](double acc, T x) { return acc + static_cast<double>(x); },
        [](double acc, int64_t count) { return static_cast<T>(acc / static_cast<double>(count)); });
  });
}

}  // namespace

extern const OpSchema kReduceMeanOp{"", "ReduceMean", 1, infer, run};

}  // namespace xenc
