// Add (opsets 7, 13, 14): C = A + B with numpy broadcasting; integers wrap.
#include "ops/common/elementwise.h"

namespace xenc {

extern const OpSchema kAddOp{"", "Add", 7, infer_binary_of<kNumericTypes>,
                             run_binary<TypeSet::kNumeric, Wrapping<std::plus<>>>};

}  // namespace xenc
