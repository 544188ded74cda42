// LogSoftmax (opsets 1, 11, 13): x - log(sum(exp(x))) over a 2-D coercion at
// `axis` before opset 13, over the one dim `axis` from 13 (ops/common/softmax.h).
#include "ops/common/softmax.h"

namespace xenc {
namespace {

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  run_softmax(node, *in[0], *out[0], /*log=*/true);
}

}  // namespace

extern const OpSchema kLogSoftmaxOp{"", "LogSoftmax", 1, infer_softmax, run};

}  // namespace xenc
