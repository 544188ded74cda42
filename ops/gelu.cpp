// Gelu (com.microsoft, ONNX Runtime contrib op): Y = 0.5 * X * (1 + erf(X / sqrt(2))).
#include "ops/common/gelu.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {

extern const OpSchema kGeluOp{"com.microsoft", "Gelu", 1, infer_unary_of<kFloatTypes>,
                              run_unary<TypeSet::kFloat, ErfGelu>,
                              fast_or_reference<fast_gelu, run_unary<TypeSet::kFloat, ErfGelu>>};

}  // namespace xenc
