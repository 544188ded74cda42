#include "ops/fast/weight_packing.h"

#include <map>

#include "graph/passes/passes.h"
#include "ops/x86/packed_sgemm.h"

namespace xenc {
namespace {

// An initializer name not yet taken, from `base`.
std::string unused_name(const Graph& graph, const std::string& base) {
  std::string name = base;
  for (int i = 1; graph.initializers.count(name); ++i) name = base + "_" + std::to_string(i);
  return name;
}

}  // namespace

bool pack_mat_mul_weights(Graph& graph, const OpResolver& ops) {
  std::map<std::string, std::string> packed_name_of;  // B -> its packed copy, shared by every MatMul reading B
  for (Node& node : graph.nodes) {
    if (node.op_type != "MatMul" || !(node.domain.empty() || node.domain == "ai.onnx") || node.inputs.size() != 2)
      continue;
    const auto b = graph.initializers.find(node.inputs[1]);
    // MatMul's inputs share one type, so a float B means a float A.
    if (b == graph.initializers.end() || b->second.dtype() != DType::kFloat || b->second.rank() != 2) continue;
    const int64_t k = b->second.dim(0), n = b->second.dim(1);
    auto [packed, added] = packed_name_of.try_emplace(b->first);
    if (added) {
      packed->second = unused_name(graph, b->first + "/packed");
      Tensor panels(DType::kFloat, {packed_panel_count(n), k, kPackedPanelWidth});
      pack_sgemm_weights(b->second.data<float>(), k, n, panels.data<float>());
      graph.initializers.emplace(packed->second, std::move(panels));
    }
    node.op_type = "PackedMatMul";
    node.domain = "xenc";
    node.opset = 1;
    node.inputs[1] = packed->second;
    Attribute columns;
    columns.kind = Attribute::Kind::kInt;
    columns.i = n;
    node.attrs = {{"n", columns}};
  }
  if (packed_name_of.empty()) return false;
  graph.opsets.try_emplace("xenc", 1);
  eliminate_dead_code(graph, ops);  // the unpacked originals nothing else reads
  return true;
}

}  // namespace xenc
