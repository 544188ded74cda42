// BiasGelu (com.microsoft, ONNX Runtime contrib op): C = Gelu(A + B) with
// the erf form of Gelu and B a 1-D bias along A's last axis.
#include "ops/common/gelu.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node&, std::span<const ShapeInput> inputs) {
  return infer_bias_activation(inputs, 2);
}

}  // namespace

extern const OpSchema kBiasGeluOp{"com.microsoft", "BiasGelu", 1, infer, run_bias_activation<ErfGelu>,
                                  fast_or_reference<fast_gelu, run_bias_activation<ErfGelu>>};

}  // namespace xenc
