// Sub (opsets 7, 13, 14): C = A - B with numpy broadcasting; integers wrap.
#include "ops/common/elementwise.h"

namespace xenc {

extern const OpSchema kSubOp{"", "Sub", 7, infer_binary_of<kNumericTypes>,
                             run_binary<TypeSet::kNumeric, Wrapping<std::minus<>>>};

}  // namespace xenc
