// And (opset 7): C = A and B on bool tensors, with numpy broadcasting.
#include "ops/common/elementwise.h"

namespace xenc {

extern const OpSchema kAndOp{"", "And", 7, infer_binary_of<kBoolTypes>, run_binary<TypeSet::kBool, std::logical_and<>>};

}  // namespace xenc
