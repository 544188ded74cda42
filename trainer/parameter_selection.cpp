#include "trainer/parameter_selection.h"

#include <algorithm>
#include <map>
#include <vector>

#include "graph/error.h"
#include "trainer/backward.h"

namespace xenc {
namespace {

bool is_float(DType t) { return t == DType::kFloat || t == DType::kDouble; }

// Node index of each candidate's first use; non-candidates are left out.
std::map<std::string, size_t> candidates(const Graph& graph) {
  std::map<std::string, size_t> first_use;
  std::set<std::string> rejected;
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const Node& node = graph.nodes[n];
    const GradientRule* rule = find_gradient_rule(node.domain, node.op_type);
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const auto init = graph.initializers.find(node.inputs[i]);
      if (init == graph.initializers.end() || !is_float(init->second.dtype()) || init->second.rank() == 0) continue;
      if (!rule || !(rule->differentiable_inputs >> i & 1)) rejected.insert(init->first);
      first_use.emplace(init->first, n);
    }
  }
  for (const std::string& name : rejected) first_use.erase(name);
  return first_use;
}

// Index of the last node with a float output of rank >= 3.
size_t encoder_end(const Graph& graph, const std::map<std::string, size_t>& ranks) {
  size_t last = 0;
  for (size_t n = 0; n < graph.nodes.size(); ++n)
    for (const std::string& out : graph.nodes[n].outputs) {
      const auto type = graph.value_types.find(out);
      const auto rank = ranks.find(out);
      if (type != graph.value_types.end() && is_float(type->second.dtype) && rank != ranks.end() && rank->second >= 3)
        last = n;
    }
  return last;
}

// Producer index of each layer's input (read by >= 3 MatMuls), in order.
std::vector<size_t> layer_starts(const Graph& graph) {
  std::map<std::string, int> matmul_reads;
  for (const Node& node : graph.nodes)
    if (node.op_type == "MatMul" && !node.inputs.empty()) ++matmul_reads[node.inputs[0]];
  std::vector<size_t> starts;
  for (size_t n = 0; n < graph.nodes.size(); ++n)
    for (const std::string& out : graph.nodes[n].outputs)
      if (!out.empty() && matmul_reads[out] >= 3) starts.push_back(n);
  return starts;
}

}  // namespace

FreezeSpec parse_freeze(const std::string& text) {
  if (text == "none") return {};
  if (text == "head") return {FreezeSpec::Kind::head, 0};
  if (text.rfind("last:", 0) == 0) {
    const std::string count = text.substr(5);
    if (!count.empty() && count.size() <= 4 && std::ranges::all_of(count, [](char c) { return c >= '0' && c <= '9'; }))
      return {FreezeSpec::Kind::last_layers, std::stoi(count)};
  }
  throw Error("--freeze '" + text + "': expected none, head or last:N");
}

std::set<std::string> trainable_parameters(const Graph& graph, const FreezeSpec& freeze,
                                           const std::map<std::string, size_t>& ranks) {
  const std::map<std::string, size_t> first_use = candidates(graph);
  size_t boundary = 0;  // candidates first used after this node train
  if (freeze.kind == FreezeSpec::Kind::head) {
    boundary = encoder_end(graph, ranks);
  } else if (freeze.kind == FreezeSpec::Kind::last_layers) {
    const std::vector<size_t> starts = layer_starts(graph);
    if (static_cast<size_t>(freeze.layers) > starts.size())
      throw Error("--freeze last:" + std::to_string(freeze.layers) + ": the model has " + std::to_string(starts.size()) +
                  " encoder layers");
    boundary = freeze.layers == 0 ? encoder_end(graph, ranks) : starts[starts.size() - static_cast<size_t>(freeze.layers)];
  }
  std::set<std::string> trainable;
  for (const auto& [name, use] : first_use)
    if (freeze.kind == FreezeSpec::Kind::none || use > boundary) trainable.insert(name);
  if (trainable.empty()) throw Error("no parameter to train under this --freeze setting");
  return trainable;
}

std::set<std::string> no_decay_parameters(const Graph& graph, const std::set<std::string>& trainable) {
  std::set<std::string> exempt;
  for (const std::string& name : trainable)
    if (graph.initializers.at(name).rank() == 1) exempt.insert(name);
  return exempt;
}

}  // namespace xenc
