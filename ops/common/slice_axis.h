// Slice's arithmetic for one axis, shared by its reference and fast kernels:
// where the slice begins, its step, and how many elements it takes, with
// negative positions counted from the end and clamped as the spec says.
#pragma once

#include <cstdint>

namespace xenc {

struct SliceAxis {
  int64_t start = 0;
  int64_t step = 1;
  int64_t length = 0;
};

SliceAxis resolve_slice_axis(int64_t start, int64_t end, int64_t step, int64_t dim);

}  // namespace xenc
