// GreaterOrEqual (opsets 12, 16): C = (A >= B) as bool, with numpy broadcasting.
#include "ops/common/elementwise.h"

namespace xenc {

extern const OpSchema kGreaterOrEqualOp{"", "GreaterOrEqual", 12, infer_binary_of<kOrderedTypes, DType::kBool>,
                                        run_compare<std::greater_equal<>>};

}  // namespace xenc
