// The rule shared by Softmax and LogSoftmax. Before opset 13 the input is
// coerced to 2-D at `axis` (default 1: dims before it are rows, dims from it
// on are one row) and each row is normalised; from opset 13 each 1-D slice
// along `axis` (default -1) is. Numerically stable: the slice's maximum is
// subtracted before exponentiating, and sums accumulate in double.
#pragma once

#include <span>
#include <vector>

#include "graph/op_schema.h"

namespace xenc {

// The input seen as [outer, n, inner]: normalise over n, elements of one
// slice `inner` apart.
struct SoftmaxLayout {
  int64_t outer = 1, n = 1, inner = 1;
};
SoftmaxLayout softmax_layout(const Node& node, const Shape& shape);

std::vector<ValueType> infer_softmax(const Node& node, std::span<const ShapeInput> inputs);
// The KernelFns of Softmax, and of LogSoftmax, which computes log(softmax(x))
// as x - max - log(sum exp(x - max)).
void run_softmax(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);
void run_log_softmax(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);

}  // namespace xenc
