// LogSoftmax (opsets 1, 11, 13): x - log(sum(exp(x))) over a 2-D coercion at
// `axis` before opset 13, over the one dim `axis` from 13 (ops/common/softmax.h).
#include "ops/common/softmax.h"

namespace xenc {

extern const OpSchema kLogSoftmaxOp{"", "LogSoftmax", 1, infer_softmax, run_log_softmax};

}  // namespace xenc
