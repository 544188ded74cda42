// Max (opsets 6, 8, 12, 13): element-wise maximum of one or more inputs with numpy broadcasting (from opset 8).
// NaN wins, as in numpy's maximum.
#include "ops/common/elementwise.h"

namespace xenc {

extern const OpSchema kMaxOp{"", "Max", 6, infer_variadic_of<kOrderedTypes>,
                             run_variadic<NanPropagatingSelect<std::greater_equal<>>>};

}  // namespace xenc
