#include <algorithm>
#include <cstring>

#include "graph/passes/passes.h"
#include "graph/shape_inference.h"

namespace xenc {

namespace {

// Folded tensors larger than this stay computed at run time: a model whose
// Expand or ConstantOfShape makes a big constant would otherwise grow.
// Results with no more elements than an input (a DequantizeLinear or Cast
// decoding a stored table) fold at any size: they only give the model back
// its float form, which it needs at run time anyway.
constexpr size_t kMaxFoldedBytes = size_t{16} << 20;

bool all_inputs_constant(const Node& node, const Graph& graph) {
  for (const std::string& in : node.inputs)
    if (!in.empty() && !graph.is_initializer(in)) return false;
  return true;
}

bool is_graph_output(const Graph& graph, const std::string& name) {
  for (const auto& out : graph.outputs)
    if (out.name == name) return true;
  return false;
}

// Runs one node on constant inputs; false when it cannot or should not be folded.
bool evaluate(const Node& node, const OpSchema& op, const Graph& graph, std::vector<Tensor>& results) {
  std::vector<ShapeInput> shape_inputs(node.inputs.size());
  std::vector<const Tensor*> inputs(node.inputs.size(), nullptr);
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    if (node.inputs[i].empty()) continue;
    const Tensor& t = graph.initializers.at(node.inputs[i]);
    shape_inputs[i] = ShapeInput{true, ValueType{t.dtype(), to_sym_shape(t.shape())}, &t};
    inputs[i] = &t;
  }
  while (!shape_inputs.empty() && !shape_inputs.back().present) {
    shape_inputs.pop_back();
    inputs.pop_back();
  }
  const std::vector<ValueType> types = infer_node(node, op, shape_inputs);
  results.assign(node.outputs.size(), Tensor());
  int64_t largest_input = 0;
  for (const Tensor* in : inputs)
    if (in) largest_input = std::max(largest_input, in->numel());
  std::vector<Tensor*> outputs(node.outputs.size(), nullptr);
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (node.outputs[i].empty()) continue;
    const auto shape = types[i].shape ? to_concrete(*types[i].shape) : std::nullopt;
    if (!shape || dtype_size(types[i].dtype) == 0) return false;
    const int64_t count = shape_numel(*shape);
    if (static_cast<size_t>(count) * dtype_size(types[i].dtype) > kMaxFoldedBytes && count > largest_input) return false;
    results[i] = Tensor(types[i].dtype, *shape);
    outputs[i] = &results[i];
  }
  try {
    op.run(node, inputs, outputs);
  } catch (const Error&) {
    rethrow_at(node);
  }
  return true;
}

}  // namespace

bool fold_constants(Graph& graph, const OpResolver& ops) {
  bool changed = false;
  std::vector<Node> kept;
  kept.reserve(graph.nodes.size());
  std::vector<Tensor> results;
  for (Node& node : graph.nodes) {
    const OpSchema* op = ops.find(node.domain, node.op_type, node.opset);
    bool folded = false;
    if (op && all_inputs_constant(node, graph) && evaluate(node, *op, graph, results)) {
      for (size_t i = 0; i < node.outputs.size(); ++i) {
        if (node.outputs[i].empty()) continue;
        // A graph output must stay a computed value so runs still return it.
        if (is_graph_output(graph, node.outputs[i])) {
          folded = false;
          break;
        }
        folded = true;
      }
      if (folded)
        for (size_t i = 0; i < node.outputs.size(); ++i)
          if (!node.outputs[i].empty()) graph.initializers[node.outputs[i]] = std::move(results[i]);
    }
    if (folded)
      changed = true;
    else
      kept.push_back(std::move(node));
  }
  graph.nodes = std::move(kept);
  return changed;
}

}  // namespace xenc
