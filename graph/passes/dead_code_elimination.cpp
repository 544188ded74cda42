#include <set>

#include "graph/passes/passes.h"

namespace xenc {

bool eliminate_dead_code(Graph& graph, const OpResolver&) {
  std::set<std::string> live;
  for (const auto& out : graph.outputs) live.insert(out.name);
  // Walk backwards: a node is live when any of its outputs is.
  std::vector<bool> keep(graph.nodes.size(), false);
  for (size_t i = graph.nodes.size(); i-- > 0;) {
    const Node& node = graph.nodes[i];
    for (const std::string& out : node.outputs)
      if (!out.empty() && live.count(out)) keep[i] = true;
    if (keep[i])
      for (const std::string& in : node.inputs)
        if (!in.empty()) live.insert(in);
  }
  bool changed = false;
  std::vector<Node> kept;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (keep[i])
      kept.push_back(std::move(graph.nodes[i]));
    else
      changed = true;
  }
  graph.nodes = std::move(kept);
  for (auto it = graph.initializers.begin(); it != graph.initializers.end();) {
    if (!live.count(it->first)) {
      it = graph.initializers.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  return changed;
}

}  // namespace xenc
