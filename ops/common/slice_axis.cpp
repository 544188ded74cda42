#include "ops/common/slice_axis.h"

#include <algorithm>

#include "graph/error.h"

namespace xenc {

SliceAxis resolve_slice_axis(int64_t start, int64_t end, int64_t step, int64_t dim) {
  if (dim == 0) return {0, step, 0};
  const auto clamp = [](int64_t v, int64_t lo, int64_t hi) { return std::max(lo, std::min(hi, v)); };
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  // A step past the whole axis takes one element either way; bounding it keeps offsets from overflowing.
  step = clamp(step, -dim, dim);
  // A forward slice stops at dim; a backward one may run to -1 (past the first element).
  if (step > 0) {
    start = clamp(start, 0, dim);
    end = clamp(end, 0, dim);
    return {start, step, end > start ? (end - start + step - 1) / step : 0};
  }
  start = clamp(start, 0, dim - 1);
  end = clamp(end, -1, dim - 1);
  return {start, step, start > end ? (start - end - step - 1) / -step : 0};
}

SliceArgs read_slice_args(const Node& node, std::span<const Tensor* const, 4> tensors) {
  SliceArgs args;
  if (node.opset < 10) {
    if (!node.has_attr("starts") || !node.has_attr("ends")) throw Error("missing attribute 'starts' or 'ends'");
    args.starts = node.attr_ints("starts");
    args.ends = node.attr_ints("ends");
    args.axes = node.attr_ints("axes");
  } else {
    args.starts = tensors[0]->to_int64_vector();
    args.ends = tensors[1]->to_int64_vector();
    if (tensors[2]) args.axes = tensors[2]->to_int64_vector();
    if (tensors[3]) args.steps = tensors[3]->to_int64_vector();
  }
  const size_t n = args.starts.size();
  if (args.ends.size() != n) throw Error("starts and ends have different lengths");
  if (args.axes.empty()) {
    for (size_t i = 0; i < n; ++i) args.axes.push_back(static_cast<int64_t>(i));
  }
  if (args.steps.empty()) args.steps.assign(n, 1);
  if (args.axes.size() != n || args.steps.size() != n)
    throw Error("starts, ends, axes and steps must have the same length");
  for (int64_t step : args.steps) {
    if (step == 0) throw Error("steps must not be 0");
  }
  return args;
}

}  // namespace xenc
