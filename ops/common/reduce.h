// The rule shared by the Reduce* ops: which axes to fold (the `axes`
// attribute, or from `axes_input_since` on the optional second input),
// keepdims, noop_with_empty_axes, the output shape, and the loop that folds
// every input element into its output element. Each op supplies only its
// accumulator.
#pragma once

#include <span>
#include <vector>

#include "graph/op_schema.h"
#include "ops/common/dispatch.h"
#include "ops/common/elementwise.h"
#include "ops/common/shape_util.h"

namespace xenc {

// Output type of a reduction; input dtype must be in `allowed`. At load,
// axes given by a non-constant input leave the dims (or, without keepdims,
// the rank) unknown.
std::vector<ValueType> infer_reduce(const Node& node, std::span<const ShapeInput> inputs, int axes_input_since,
                                    std::initializer_list<DType> allowed);

// Per input dim, whether it is folded (run time, all inputs known). Empty
// axes mean every dim, or none with noop_with_empty_axes.
std::vector<bool> reduced_dims(const Node& node, std::span<const Tensor* const> inputs, int axes_input_since);

// acc[o] = step(acc[o], x) over every input element x reducing into output
// element o (starting from `init`), then y[o] = finish(acc[o], count) where
// count is the number of elements folded into each output.
template <class T, class Acc, class Step, class Finish>
void reduce_fold(const Tensor& in, Tensor& out, const std::vector<bool>& reduced, Acc init, Step step,
                 Finish finish) {
  const Shape& shape = in.shape();
  // Offsets into the output as strides over the input's dims: 0 on folded
  // dims, row-major over the kept ones (keepdims does not move elements).
  std::vector<int64_t> out_strides(shape.size(), 0);
  int64_t stride = 1, count = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (reduced[d]) {
      count *= shape[d];
    } else {
      out_strides[d] = stride;
      stride *= shape[d];
    }
  }
  std::vector<Acc> acc(static_cast<size_t>(out.numel()), init);
  const T* x = in.data<T>();
  const std::vector<int64_t> strides[1] = {std::move(out_strides)};
  for_each_broadcast(shape, strides, [&](int64_t i, const int64_t* o) { acc[o[0]] = step(acc[o[0]], x[i]); });
  T* y = out.data<T>();
  for (size_t o = 0; o < acc.size(); ++o) y[o] = finish(acc[o], count);
}

// The ShapeFn and KernelFn of a Reduce* op over the numeric dtypes whose
// `axes` became an input at AxesInputSince. Rule<T> is its accumulator for
// element type T, with static init(), step(acc, x) and finish(acc, count)
// as reduce_fold takes them.
template <int AxesInputSince>
std::vector<ValueType> infer_numeric_reduce(const Node& node, std::span<const ShapeInput> inputs) {
  return infer_reduce(node, inputs, AxesInputSince, kNumericTypes);
}
template <int AxesInputSince, template <class> class Rule>
void run_numeric_reduce(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const std::vector<bool> reduced = reduced_dims(node, in, AxesInputSince);
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    reduce_fold<T>(*in[0], *out[0], reduced, Rule<T>::init(), Rule<T>::step, Rule<T>::finish);
  });
}

}  // namespace xenc
