#include "graph/shape_inference.h"

namespace xenc {

const OpSchema& resolve_op(const Node& node, const OpResolver& ops) {
  const OpSchema* op = ops.find(node.domain, node.op_type, node.opset);
  if (!op)
    throw UnsupportedOpError("unsupported op: " + node.op_type + " (domain '" +
                             (node.domain.empty() ? std::string("ai.onnx") : node.domain) + "', opset " +
                             std::to_string(node.opset) + ") at node '" + node.name + "'");
  return *op;
}

std::vector<ValueType> infer_node(const Node& node, const OpSchema& op, std::span<const ShapeInput> inputs) {
  std::vector<ValueType> out;
  try {
    out = op.infer(node, inputs);
  } catch (const UnsupportedOpError&) {
    throw;
  } catch (const Error&) {
    rethrow_at(node);
  }
  if (out.size() < node.outputs.size())
    throw Error(node.describe() + ": has " + std::to_string(node.outputs.size()) + " outputs, the op defines " +
                std::to_string(out.size()));
  return out;
}

void infer_shapes(Graph& graph, const OpResolver& ops) {
  for (const Node& node : graph.nodes) {
    const OpSchema& op = resolve_op(node, ops);
    std::vector<ShapeInput> inputs(node.inputs.size());
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const std::string& name = node.inputs[i];
      if (name.empty()) continue;
      inputs[i].present = true;
      if (const auto init = graph.initializers.find(name); init != graph.initializers.end()) {
        inputs[i].type = ValueType{init->second.dtype(), to_sym_shape(init->second.shape())};
        inputs[i].value = &init->second;
      } else if (const auto t = graph.value_types.find(name); t != graph.value_types.end()) {
        inputs[i].type = t->second;
      }
    }
    // Trailing omitted inputs are dropped so ops see their real input count.
    while (!inputs.empty() && !inputs.back().present) inputs.pop_back();
    const std::vector<ValueType> out = infer_node(node, op, inputs);
    for (size_t i = 0; i < node.outputs.size(); ++i)
      if (!node.outputs[i].empty()) graph.value_types[node.outputs[i]] = out[i];
  }
  for (auto& out : graph.outputs)
    if (const auto t = graph.value_types.find(out.name); t != graph.value_types.end() && out.type.dtype == DType::kUndefined)
      out.type = t->second;
}

}  // namespace xenc
