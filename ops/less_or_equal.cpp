// LessOrEqual (opsets 12, 16): C = (A <= B) as bool, with numpy broadcasting.
#include "ops/common/elementwise.h"

namespace xenc {

extern const OpSchema kLessOrEqualOp{"", "LessOrEqual", 12, infer_binary_of<kOrderedTypes, DType::kBool>,
                                     run_compare<std::less_equal<>>};

}  // namespace xenc
