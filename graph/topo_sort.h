// Orders nodes so every value is produced before it is used (stable: an
// already sorted graph keeps its order). Errors name the node and value for
// inputs nobody produces and for cycles.
#pragma once

#include "graph/ir.h"

namespace xenc {

void topo_sort(Graph& graph);

}  // namespace xenc
