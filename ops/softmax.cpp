// Softmax (opsets 1, 11, 13): exp(x) / sum(exp(x)) over a 2-D coercion at
// `axis` before opset 13, over the one dim `axis` from 13 (ops/common/softmax.h).
#include "ops/common/softmax.h"

namespace xenc {
namespace {

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  run_softmax(node, *in[0], *out[0], /*log=*/false);
}

}  // namespace

extern const OpSchema kSoftmaxOp{"", "Softmax", 1, infer_softmax, run};

}  // namespace xenc
