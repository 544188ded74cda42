// Checks and helpers shared by the shape functions of many ops.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "graph/ir.h"
#include "graph/op_schema.h"

namespace xenc {

// Throws unless the node has between min and max inputs (counting trailing omitted ones).
void expect_input_count(const Node& node, std::span<const ShapeInput> inputs, size_t min, size_t max);
// Throws when input i is absent.
const ShapeInput& required_input(std::span<const ShapeInput> inputs, size_t i, const char* what);
// Throws unless input i has one of the given dtypes (skipped when the dtype is not known yet).
void expect_dtype(const ShapeInput& in, std::initializer_list<DType> allowed, const char* what);
// The dtype all present inputs share, each checked against `allowed`;
// kUndefined when none is known yet. Throws when two known dtypes differ.
DType common_dtype(std::span<const ShapeInput> inputs, std::initializer_list<DType> allowed);
// Maps a possibly negative axis into [0, rank); throws when out of range.
int64_t normalize_axis(int64_t axis, int64_t rank);
// The integer contents of a constant input (nullopt when only known at run time).
std::optional<std::vector<int64_t>> const_ints(const ShapeInput& in);
// Rank-only shape of `rank` unknown dims.
SymShape unknown_dims(int64_t rank);

// Numpy-style multidirectional broadcast of shapes; throws on mismatch.
SymShape broadcast_shapes(const SymShape& a, const SymShape& b);
// Broadcast shape of all present inputs, nullopt if any rank is unknown.
std::optional<SymShape> broadcast_inputs(std::span<const ShapeInput> inputs);

// Throws unless `from` broadcasts unidirectionally to `to` (each trailing
// dim 1 or equal; unknown dims pass). `what` names `from` in the message.
void expect_broadcastable_to(const SymShape& from, const SymShape& to, const char* what);

// Row-major strides of `shape` aligned to an output of rank `out_rank`,
// with stride 0 on broadcast dims: the offset map for broadcasting loops.
std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out);

// Visits every output index of `out` with the matching offsets into each of
// the inputs (given their broadcast strides). f(out_index, offsets).
template <size_t N, class F>
void for_each_broadcast(const Shape& out, const std::vector<int64_t> (&strides)[N], F&& f) {
  const size_t rank = out.size();
  const int64_t total = shape_numel(out);
  std::vector<int64_t> idx(rank, 0);
  int64_t off[N] = {};
  for (int64_t o = 0; o < total; ++o) {
    f(o, static_cast<const int64_t*>(off));
    for (size_t d = rank; d-- > 0;) {
      ++idx[d];
      for (size_t k = 0; k < N; ++k) off[k] += strides[k][d];
      if (idx[d] < out[d]) break;
      for (size_t k = 0; k < N; ++k) off[k] -= strides[k][d] * idx[d];
      idx[d] = 0;
    }
  }
}

}  // namespace xenc
