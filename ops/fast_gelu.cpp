// FastGelu (com.microsoft, ONNX Runtime contrib op): the tanh approximation
// of Gelu, Y = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))),
// of x = X + bias with an optional 1-D bias along X's last axis.
#include "ops/common/gelu.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  return infer_bias_activation(inputs, 1);
}

}  // namespace

extern const OpSchema kFastGeluOp{"com.microsoft", "FastGelu", 1, infer, run_bias_activation<TanhGelu>,
                                  fast_or_reference<fast_gelu_tanh, run_bias_activation<TanhGelu>>};

}  // namespace xenc
