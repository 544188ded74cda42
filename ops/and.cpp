// And (opset 7): C = A and B on bool tensors, with numpy broadcasting.
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  if (inputs.size() != 2) throw Error("expects 2 inputs");
  return infer_broadcast(inputs, {DType::kBool});
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  binary_map<bool, bool, bool>(*in[0], *in[1], *out[0], [](bool a, bool b) { return a && b; });
}

}  // namespace

extern const OpSchema kAndOp{"", "And", 7, infer, run};

}  // namespace xenc
