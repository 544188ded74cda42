// Equal (opsets 7, 11, 13): C = (A == B) as bool, with numpy broadcasting.
#include "ops/common/elementwise.h"

namespace xenc {

extern const OpSchema kEqualOp{"", "Equal", 7, infer_binary_of<kStoredTypes, DType::kBool>,
                               run_compare<std::equal_to<>>};

}  // namespace xenc
