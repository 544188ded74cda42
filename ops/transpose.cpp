// Transpose (opsets 1, 13): output dim i is input dim perm[i]; perm defaults
// to reversing the dims.
#include <numeric>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

// The validated permutation for an input of `rank`.
std::vector<int64_t> permutation(const Node& node, int64_t rank) {
  std::vector<int64_t> reversed(static_cast<size_t>(rank));
  std::iota(reversed.rbegin(), reversed.rend(), 0);
  const std::vector<int64_t> perm = node.attr_ints("perm", reversed);
  if (static_cast<int64_t>(perm.size()) != rank)
    throw Error("perm has " + std::to_string(perm.size()) + " entries for an input of rank " + std::to_string(rank));
  std::vector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[static_cast<size_t>(p)])
      throw Error("perm " + shape_str(perm) + " is not a permutation of 0.." + std::to_string(rank - 1));
    seen[static_cast<size_t>(p)] = true;
  }
  return perm;
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ShapeInput& data = required_input(inputs, 0, "data");
  expect_storable(data, "data");
  if (!data.type.shape) {
    const auto perm = node.attr_ints("perm");
    if (perm.empty()) return {ValueType{data.type.dtype, std::nullopt}};
    return {ValueType{data.type.dtype, unknown_dims(static_cast<int64_t>(perm.size()))}};
  }
  const SymShape& in = *data.type.shape;
  SymShape out;
  for (int64_t p : permutation(node, static_cast<int64_t>(in.size()))) out.push_back(in[static_cast<size_t>(p)]);
  return {ValueType{data.type.dtype, out}};
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const std::vector<int64_t> in_strides = row_major_strides(in[0]->shape());
  std::vector<int64_t> strides;
  for (int64_t p : permutation(node, in[0]->rank())) strides.push_back(in_strides[static_cast<size_t>(p)]);
  strided_copy(*in[0], 0, strides, *out[0]);
}

}  // namespace

extern const OpSchema kTransposeOp{"", "Transpose", 1, infer, run};

}  // namespace xenc
