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
