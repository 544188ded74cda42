// Softmax (opsets 1, 11, 13): exp(x) / sum(exp(x)) over a 2-D coercion at
// `axis` before opset 13, over the one dim `axis` from 13 (ops/common/softmax.h).
#include "ops/common/softmax.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {

extern const OpSchema kSoftmaxOp{"", "Softmax", 1, infer_softmax, run_softmax,
                                 fast_or_reference<fast_softmax, run_softmax>};

}  // namespace xenc
