// Min (opsets 6, 8, 12, 13): element-wise minimum of one or more inputs with numpy broadcasting (from opset 8).
// NaN wins, as in numpy's minimum.
#include "ops/common/elementwise.h"

namespace xenc {

extern const OpSchema kMinOp{"", "Min", 6, infer_variadic_of<kOrderedTypes>,
                             run_variadic<NanPropagatingSelect<std::less_equal<>>>};

}  // namespace xenc
