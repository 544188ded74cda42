// Slice's arguments and its arithmetic for one axis, shared by its shape
// function, its reference and fast kernels and its backward rule: where the
// slice begins, its step, and how many elements it takes, with negative
// positions counted from the end and clamped as the spec says.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "graph/ir.h"

namespace xenc {

struct SliceAxis {
  int64_t start = 0;
  int64_t step = 1;
  int64_t length = 0;
};

SliceAxis resolve_slice_axis(int64_t start, int64_t end, int64_t step, int64_t dim);

struct SliceArgs {
  std::vector<int64_t> starts, ends, axes, steps;  // axes not yet normalized
};

// The arguments of a node, given the tensors of inputs 1-4 (nullptr when
// absent): attributes before opset 10, inputs from it; axes default to the
// first len(starts) dims and steps to 1. Throws on inconsistent lengths or
// a zero step.
SliceArgs read_slice_args(const Node& node, std::span<const Tensor* const, 4> tensors);

}  // namespace xenc
