// Identity (opsets 1, 13, 14, 16): Y = X, for tensors of every stored dtype
// (the sequence and optional values of opsets 14 and 16 are not supported).
#include <cstring>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ShapeInput& x = required_input(inputs, 0, "input");
  expect_storable(x, "input");
  return {x.type};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  if (in[0]->nbytes()) std::memcpy(out[0]->raw(), in[0]->raw(), in[0]->nbytes());
}

}  // namespace

extern const OpSchema kIdentityOp{"", "Identity", 1, infer, run};

}  // namespace xenc
