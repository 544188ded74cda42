#include "graph/topo_sort.h"

#include <map>
#include <queue>
#include <set>

namespace xenc {

void topo_sort(Graph& graph) {
  std::set<std::string> available;
  for (const auto& in : graph.inputs) available.insert(in.name);
  for (const auto& [name, t] : graph.initializers) available.insert(name);

  std::map<std::string, size_t> producer;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (const std::string& out : graph.nodes[i].outputs)
      if (!out.empty()) producer[out] = i;

  // Kahn's algorithm over node indices; a min-heap keeps the original order stable.
  std::vector<size_t> pending(graph.nodes.size(), 0);
  std::vector<std::vector<size_t>> users(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    std::set<size_t> deps;
    for (const std::string& in : graph.nodes[i].inputs) {
      if (in.empty() || available.count(in)) continue;
      const auto p = producer.find(in);
      if (p == producer.end())
        throw Error(graph.nodes[i].describe() + ": input '" + in + "' is not produced by any node, input or initializer");
      deps.insert(p->second);
    }
    pending[i] = deps.size();
    for (size_t d : deps) users[d].push_back(i);
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (pending[i] == 0) ready.push(i);
  std::vector<size_t> order;
  order.reserve(graph.nodes.size());
  while (!ready.empty()) {
    const size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    for (size_t u : users[i])
      if (--pending[u] == 0) ready.push(u);
  }
  if (order.size() != graph.nodes.size()) {
    // A node still pending may merely consume a cycle's output. Every
    // pending node waits on a pending dependency, so following those from
    // any of them must revisit a node, and the first one revisited lies on
    // a cycle.
    std::vector<std::vector<size_t>> deps(graph.nodes.size());
    for (size_t d = 0; d < users.size(); ++d)
      for (size_t u : users[d]) deps[u].push_back(d);
    size_t at = 0;
    while (pending[at] == 0) ++at;
    std::vector<bool> seen(graph.nodes.size(), false);
    while (!seen[at]) {
      seen[at] = true;
      size_t next = at;
      for (size_t d : deps[at])
        if (pending[d] != 0) next = d;
      at = next;
    }
    throw Error(graph.nodes[at].describe() + " is part of a cycle");
  }
  std::vector<Node> sorted;
  sorted.reserve(order.size());
  for (size_t i : order) sorted.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(sorted);
}

}  // namespace xenc
