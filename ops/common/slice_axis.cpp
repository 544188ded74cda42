#include "ops/common/slice_axis.h"

#include <algorithm>

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

}  // namespace xenc
