// Less (opsets 7, 9, 13): C = (A < B) as bool, with numpy broadcasting.
#include "ops/common/elementwise.h"

namespace xenc {

extern const OpSchema kLessOp{"", "Less", 7, infer_binary_of<kOrderedTypes, DType::kBool>,
                              run_compare<std::less<>>};

}  // namespace xenc
