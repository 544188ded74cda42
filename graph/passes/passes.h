// Graph rewrites, each small and separately testable, applied in a fixed
// order. A pass returns true when it changed the graph.
#pragma once

#include <span>

#include "graph/ir.h"
#include "graph/op_schema.h"

namespace xenc {

// Replaces nodes whose inputs are all constant by initializers holding
// their outputs (Constant nodes included). Skips results over a size cap so
// folding never inflates a model.
bool fold_constants(Graph& graph, const OpResolver& ops);

// Fusions: each finds one subgraph pattern of real exports, checks every
// constant and attribute its rewrite relies on, and replaces the match by
// one node that keeps the output names of the match's last node (see the
// comment at the top of each graph/passes/fuse_*.cpp). Intermediate values
// read outside a match keep it from being fused; the nodes a fusion leaves
// unused go in eliminate_dead_code.
// Decomposed ReduceMean/Sub/Pow/Sqrt/Div/Mul/Add layer norm -> LayerNormalization.
bool fuse_layer_norm(Graph& graph, const OpResolver& ops);
// Erf GELU -> com.microsoft Gelu, or BiasGelu with the Add of a bias before it.
bool fuse_gelu(Graph& graph, const OpResolver& ops);
// Add then LayerNormalization -> com.microsoft SkipLayerNormalization.
bool fuse_skip_layer_norm(Graph& graph, const OpResolver& ops);
// Q/K/V projections, head split, scaled QK^T, extended mask, Softmax, x V,
// head merge -> com.microsoft MultiHeadAttention.
bool fuse_attention(Graph& graph, const OpResolver& ops);

// Removes nodes none of whose outputs reach a graph output, and
// initializers nothing reads.
bool eliminate_dead_code(Graph& graph, const OpResolver& ops);

struct Pass {
  const char* name;
  bool (*apply)(Graph& graph, const OpResolver& ops);
};

// The default pipeline, in order.
std::span<const Pass> default_passes();
void run_passes(Graph& graph, const OpResolver& ops, std::span<const Pass> passes);

}  // namespace xenc
