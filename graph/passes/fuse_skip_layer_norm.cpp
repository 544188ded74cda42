// fuse_skip_layer_norm: a residual sum normalised over the last axis,
//   LayerNormalization(Add(a, b), gamma, beta, axis=-1)
// becomes com.microsoft SkipLayerNormalization(a, b, gamma, beta), which
// adds a and b numpy-style as the Add did. When one operand is itself
// Add(x, bias) with bias a 1-D float constant read only by the sum, that Add
// folds in too: SkipLayerNormalization(x, other, gamma, beta, bias). If other
// nodes read the sum, the fused node returns it as output 3
// (input_skip_bias_sum).
//
// gamma and beta must be 1-D float constants of one length H > 1: the
// original LayerNormalization only accepts such a gamma when the last dim is
// H, so the fused op's 1-D parameters of the hidden size are right (with
// H = 1 the last dim could be anything, and that case is left alone). A
// bias must have length H too, which makes the Add that carried it
// broadcast along the same last axis.
#include "graph/passes/passes.h"
#include "graph/passes/pattern.h"

namespace xenc {

namespace {

std::optional<Rewrite> match(const GraphIndex& index, const Node& norm) {
  const Graph& graph = index.graph();
  if (norm.inputs.size() < 2 || norm.attr_int("axis", -1) != -1) return std::nullopt;
  for (size_t i = 1; i < norm.outputs.size(); ++i)
    if (norm.has_output(i)) return std::nullopt;  // Mean and InvStdDev have no SkipLayerNormalization twin
  const auto hidden = vector_constant_length(graph, norm.inputs[1]);
  const bool has_beta = norm.has_input(2);
  if (!hidden || *hidden <= 1 || (has_beta && vector_constant_length(graph, norm.inputs[2]) != hidden))
    return std::nullopt;
  const Node* sum = index.producer(norm.inputs[0], "Add");
  if (!sum || sum->inputs.size() != 2) return std::nullopt;
  std::vector<size_t> nodes = {index.index_of(norm), index.index_of(*sum)};

  std::string input = sum->inputs[0], skip = sum->inputs[1], bias;
  for (size_t side = 0; side < 2 && bias.empty(); ++side) {
    const Node* biased = index.producer(sum->inputs[side], "Add");
    if (!biased || biased->inputs.size() != 2 || index.consumers(biased->outputs[0]).size() != 1 ||
        index.is_graph_output(biased->outputs[0]))
      continue;
    for (size_t b = 0; b < 2 && bias.empty(); ++b) {
      if (vector_constant_length(graph, biased->inputs[b]) != hidden) continue;
      input = biased->inputs[1 - b];
      skip = sum->inputs[1 - side];
      bias = biased->inputs[b];
      nodes.push_back(index.index_of(*biased));
    }
  }

  std::vector<std::string> outputs = {norm.outputs[0]};
  // Other readers of the sum get it from output 3, input_skip_bias_sum.
  if (index.consumers(sum->outputs[0]).size() > 1 || index.is_graph_output(sum->outputs[0]))
    outputs = {norm.outputs[0], "", "", sum->outputs[0]};
  std::vector<std::string> inputs = {input, skip, norm.inputs[1], has_beta ? norm.inputs[2] : ""};
  if (!bias.empty()) inputs.push_back(bias);
  while (inputs.back().empty()) inputs.pop_back();
  Node fused = contrib_node("SkipLayerNormalization", std::move(inputs), std::move(outputs));
  fused.name = fused_name(norm, "SkipLayerNormalization");
  fused.attrs["epsilon"] = float_attribute(norm.attr_float("epsilon", 1e-5f));
  return Rewrite{std::move(nodes), std::move(fused)};
}

}  // namespace

bool fuse_skip_layer_norm(Graph& graph, const OpResolver&) {
  const GraphIndex index(graph);
  std::vector<Rewrite> rewrites;
  for (const Node& node : graph.nodes)
    if (is_op(node, "LayerNormalization"))
      if (auto rewrite = match(index, node)) rewrites.push_back(std::move(*rewrite));
  return apply_rewrites(graph, std::move(rewrites));
}

}  // namespace xenc
