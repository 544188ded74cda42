#include "graph/passes/passes.h"

namespace xenc {

namespace {
const Pass kDefaultPasses[] = {
    {"fold_constants", fold_constants},
    {"fuse_layer_norm", fuse_layer_norm},  // before fuse_skip_layer_norm, which starts from LayerNormalization
    {"fuse_gelu", fuse_gelu},
    {"fuse_skip_layer_norm", fuse_skip_layer_norm},
    {"fuse_attention", fuse_attention},
    {"eliminate_dead_code", eliminate_dead_code},
};
}  // namespace

std::span<const Pass> default_passes() { return kDefaultPasses; }

void run_passes(Graph& graph, const OpResolver& ops, std::span<const Pass> passes) {
  for (const Pass& pass : passes) pass.apply(graph, ops);
}

}  // namespace xenc
