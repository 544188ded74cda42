#include "ops/fast/weight_packing.h"

#include <map>
#include <set>
#include <vector>

#include "ops/x86/packed_sgemm.h"

namespace xenc {
namespace {

// An initializer name not yet taken, from `base`.
std::string unused_name(const Graph& graph, const std::string& base) {
  std::string name = base;
  for (int i = 1; graph.initializers.count(name); ++i) name = base + "_" + std::to_string(i);
  return name;
}

// MatMul's inputs share one type, so a float B means a float A.
bool is_packable(const Graph& graph, const Node& node) {
  if (node.op_type != "MatMul" || !(node.domain.empty() || node.domain == "ai.onnx") || node.inputs.size() != 2)
    return false;
  const auto b = graph.initializers.find(node.inputs[1]);
  return b != graph.initializers.end() && b->second.dtype() == DType::kFloat && b->second.rank() == 2;
}

// A PackedMatMul whose output only feeds a com.microsoft BiasGelu (with a
// constant bias of its N columns) or Gelu takes the activation over: the
// product's rows get it while still in cache, and the separate
// activation's buffer (the widest of a transformer layer) is never needed.
void fuse_gelu_into_packed_mat_muls(Graph& graph) {
  std::map<std::string, std::vector<size_t>> consumers;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (const std::string& in : graph.nodes[i].inputs) consumers[in].push_back(i);
  std::set<std::string> graph_outputs;
  for (const GraphValue& out : graph.outputs) graph_outputs.insert(out.name);

  std::set<size_t> fused;
  for (Node& node : graph.nodes) {
    if (node.op_type != "PackedMatMul" || graph_outputs.count(node.outputs[0])) continue;
    const std::vector<size_t>& readers = consumers[node.outputs[0]];
    if (readers.size() != 1) continue;
    const Node& gelu = graph.nodes[readers[0]];
    if (gelu.domain != "com.microsoft" || gelu.inputs.empty() || gelu.inputs[0] != node.outputs[0]) continue;
    if (gelu.op_type == "BiasGelu") {
      const auto bias = gelu.inputs.size() == 2 ? graph.initializers.find(gelu.inputs[1]) : graph.initializers.end();
      if (bias == graph.initializers.end() || bias->second.dtype() != DType::kFloat || bias->second.rank() != 1 ||
          bias->second.dim(0) != node.attr_int("n", -1))
        continue;
      node.inputs.push_back(bias->first);
    } else if (gelu.op_type != "Gelu" || gelu.inputs.size() != 1) {
      continue;
    }
    Attribute activation;
    activation.kind = Attribute::Kind::kString;
    activation.s = "gelu";
    node.attrs["activation"] = activation;
    node.outputs = gelu.outputs;
    fused.insert(readers[0]);
  }
  std::vector<Node> kept;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (!fused.count(i)) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
}

}  // namespace

bool pack_mat_mul_weights(Graph& graph, const OpResolver&) {
  // Per weight: the MatMuls to rewrite, and whether anything else reads it.
  std::map<std::string, std::vector<Node*>> readers;
  std::map<std::string, bool> read_elsewhere;
  for (Node& node : graph.nodes) {
    const bool packable = is_packable(graph, node);
    if (packable) readers[node.inputs[1]].push_back(&node);
    for (size_t i = 0; i < node.inputs.size(); ++i)
      if (!(packable && i == 1) && graph.is_initializer(node.inputs[i])) read_elsewhere[node.inputs[i]] = true;
  }
  for (const GraphValue& out : graph.outputs)
    if (graph.is_initializer(out.name)) read_elsewhere[out.name] = true;

  for (const auto& [weight, mat_muls] : readers) {
    const auto original = graph.initializers.find(weight);
    const int64_t k = original->second.dim(0), n = original->second.dim(1);
    const std::string packed_name = unused_name(graph, weight + "/packed");
    Tensor panels(DType::kFloat, {packed_panel_count(n), k, kPackedPanelWidth});
    pack_sgemm_weights(original->second.data<float>(), k, n, panels.data<float>());
    // Dropped at once, so that loading never holds two copies of every weight.
    if (!read_elsewhere[weight]) graph.initializers.erase(original);
    graph.initializers.emplace(packed_name, std::move(panels));
    for (Node* node : mat_muls) {
      node->op_type = "PackedMatMul";
      node->domain = "xenc";
      node->opset = 1;
      node->inputs[1] = packed_name;
      Attribute columns;
      columns.kind = Attribute::Kind::kInt;
      columns.i = n;
      node->attrs = {{"n", columns}};
    }
  }
  if (readers.empty()) return false;
  graph.opsets.try_emplace("xenc", 1);
  fuse_gelu_into_packed_mat_muls(graph);
  return true;
}

}  // namespace xenc
