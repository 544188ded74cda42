// Helpers for ops that move elements without arithmetic (Transpose, Slice,
// Expand, Gather, Concat, Split, ...). They work on the raw bits of elements,
// so one code path serves every stored dtype.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "graph/op_schema.h"

namespace xenc {

// Throws when the dtype is known and cannot be held in a Tensor (string, complex).
void expect_storable(const ShapeInput& in, const char* what);

// The length of a 1-D input (shape, axes, ...) when its shape is known, even
// if its values are not.
std::optional<int64_t> vector_length(const ShapeInput& in);

// Product of dims: known when every factor is known (or one is 0); a single
// unknown factor among known 1s is returned as is, keeping its symbol.
Dim dim_product(std::span<const Dim> dims);
// Product of shape[begin, end); 1 for an empty range.
int64_t dims_product(const Shape& shape, size_t begin, size_t end);
// Row-major strides in elements.
std::vector<int64_t> row_major_strides(const Shape& shape);

// normalize_axis on each axis; throws when two name the same dim. Keeps the order.
std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank);

// Fills `out` (same dtype as `in`) element by element: the element at output
// multi-index i is read from `in` at element offset base + sum(i[d] * strides[d]).
// Strides may be 0 (broadcast) or negative (reversed slices).
void strided_copy(const Tensor& in, int64_t base, const std::vector<int64_t>& strides, Tensor& out);

// A KernelFn for ops that only relabel the shape (Squeeze, Unsqueeze,
// Flatten, Reshape): output 0 gets the bytes of input 0.
void copy_first_input(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);

// Maps an index in [-bound, bound) to [0, bound); throws an Error naming both
// otherwise. Kernels call it on every index so bad data never reads out of bounds.
int64_t normalize_index(int64_t index, int64_t bound);
// normalize_index on every element of an integer tensor (constant indices at load).
void check_indices(const Tensor& indices, int64_t bound);

// The inputs of Gather and GatherElements, checked: exactly two, `data` of a
// stored dtype and `indices` of int32 or int64.
struct GatherInputs {
  const ShapeInput& data;
  const ShapeInput& indices;
};
GatherInputs gather_inputs(const Node& node, std::span<const ShapeInput> inputs);

// An integer-list argument that was an attribute up to some opset and an
// input from it on (Squeeze/Unsqueeze axes, Split split).
struct IntsArgument {
  bool present = false;                        // given at all
  std::optional<std::vector<int64_t>> values;  // nullopt when an input not known yet
};
IntsArgument ints_attr_or_input(const Node& node, std::span<const ShapeInput> inputs, const char* name,
                                size_t input_index, int input_since_opset);

// The output shape of Squeeze or Unsqueeze from the data shape and the axes
// (nullptr when not given); nullopt when its rank is not known yet.
using AxesShapeEdit = std::optional<SymShape> (*)(const SymShape& in, const std::vector<int64_t>* axes);
// The ShapeFn of Squeeze and Unsqueeze but for `edit`: validates the data
// input and the `axes` argument (an attribute before opset 13, an input from
// it; required when `axes_required`). Axes from an input known only at run
// time still fix the output rank when their count is known: the input rank
// plus `rank_change_per_axis` for each.
std::vector<ValueType> infer_axes_edit(const Node& node, std::span<const ShapeInput> inputs, bool axes_required,
                                       int rank_change_per_axis, AxesShapeEdit edit);

}  // namespace xenc
