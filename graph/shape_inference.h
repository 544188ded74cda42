// Load-time shape inference: runs every node's shape function in order over
// (possibly symbolic) types and records the result in graph.value_types.
// Validates each node on the way; unknown ops raise UnsupportedOpError.
#pragma once

#include <span>
#include <vector>

#include "graph/ir.h"
#include "graph/op_schema.h"

namespace xenc {

void infer_shapes(Graph& graph, const OpResolver& ops);

// The op's schema, or UnsupportedOpError naming op type, domain, opset and node.
const OpSchema& resolve_op(const Node& node, const OpResolver& ops);

// Runs a node's shape function with errors prefixed by the node's description.
std::vector<ValueType> infer_node(const Node& node, const OpSchema& op, std::span<const ShapeInput> inputs);

}  // namespace xenc
