#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/passes/passes.h"

namespace xenc {

bool eliminate_dead_code(Graph& graph, const OpResolver&) {
  // Mark from the graph outputs back through producers: a node is live when
  // any of its outputs is. A worklist, not one backward sweep, so the result
  // does not depend on the nodes being sorted.
  std::map<std::string, size_t> producer;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (const std::string& out : graph.nodes[i].outputs)
      if (!out.empty()) producer[out] = i;
  std::set<std::string> live;
  std::vector<std::string> work;
  for (const auto& out : graph.outputs)
    if (live.insert(out.name).second) work.push_back(out.name);
  std::vector<bool> keep(graph.nodes.size(), false);
  while (!work.empty()) {
    const auto p = producer.find(work.back());
    work.pop_back();
    if (p == producer.end() || keep[p->second]) continue;
    keep[p->second] = true;
    for (const std::string& in : graph.nodes[p->second].inputs)
      if (!in.empty() && live.insert(in).second) work.push_back(in);
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
