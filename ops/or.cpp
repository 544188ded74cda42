// Or (opset 7): C = A or B on bool tensors, with numpy broadcasting.
#include "ops/common/elementwise.h"

namespace xenc {

extern const OpSchema kOrOp{"", "Or", 7, infer_binary_of<kBoolTypes>, run_binary<TypeSet::kBool, std::logical_or<>>};

}  // namespace xenc
