#include "tools/xenc/matmul_flops.h"

#include <map>
#include <span>
#include <string>
#include <vector>

#include "graph/shape_inference.h"
#include "graph/topo_sort.h"
#include "ops/registry.h"

namespace xenc::cli {

namespace {

// The walk computes values only for outputs up to this size: the shape
// arithmetic (Shape, Gather, Concat, ...) that Reshape and Expand read.
// Activations are never needed, only their shapes.
constexpr int64_t kMaxComputedElements = 4096;

bool is_default_domain(const Node& node) { return node.domain.empty() || node.domain == "ai.onnx"; }

// Shape and Size read only their input's dims, so an activation whose shape
// is known can stand in for itself as a view without data.
bool reads_only_dims(const Node& node) {
  return is_default_domain(node) && (node.op_type == "Shape" || node.op_type == "Size");
}

std::optional<int64_t> known_dim(const ShapeInput& input, size_t axis_from_end) {
  if (!input.type.shape || input.type.shape->size() <= axis_from_end) return std::nullopt;
  const Dim& d = (*input.type.shape)[input.type.shape->size() - 1 - axis_from_end];
  return d.is_known() ? std::optional(d.value) : std::nullopt;
}

// 2*M*N*K: every output element is a K-long dot product. K is A's last dim
// (MatMul, Gemm), or its first when Gemm transposes A.
std::optional<double> product_flops(const Node& node, std::span<const ShapeInput> inputs, const ValueType& out) {
  const bool gemm_trans_a = node.op_type == "Gemm" && node.attr_int("transA", 0) != 0;
  const std::optional<int64_t> k = known_dim(inputs[0], gemm_trans_a ? 1 : 0);
  const auto out_shape = out.shape ? to_concrete(*out.shape) : std::nullopt;
  if (!k || !out_shape) return std::nullopt;
  return 2.0 * static_cast<double>(shape_numel(*out_shape)) * static_cast<double>(*k);
}

// Runs `node` on known inputs when all its outputs are small, recording them in `values`.
void compute_small_outputs(const Node& node, const OpSchema& op, std::span<const ShapeInput> inputs,
                           const std::vector<ValueType>& types, std::map<std::string, Tensor>& values) {
  std::vector<Tensor> results(node.outputs.size());
  std::vector<Tensor*> outputs(node.outputs.size(), nullptr);
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (node.outputs[i].empty()) continue;
    const auto shape = types[i].shape ? to_concrete(*types[i].shape) : std::nullopt;
    if (!shape || dtype_size(types[i].dtype) == 0 || shape_numel(*shape) > kMaxComputedElements) return;
    results[i] = Tensor(types[i].dtype, *shape);
    outputs[i] = &results[i];
  }
  std::vector<const Tensor*> input_values;
  for (const ShapeInput& in : inputs) input_values.push_back(in.value);
  op.run(node, input_values, outputs);
  for (size_t i = 0; i < node.outputs.size(); ++i)
    if (outputs[i]) values[node.outputs[i]] = std::move(results[i]);
}

}  // namespace

MatMulFlops::MatMulFlops(Graph graph) : graph_(std::move(graph)) { topo_sort(graph_); }

std::optional<double> MatMulFlops::count(int64_t batch, int64_t seq) const {
  const OpRegistry& ops = OpRegistry::instance();
  std::map<std::string, ValueType> types;
  std::map<std::string, Tensor> values;
  for (const GraphValue& in : graph_.inputs)
    types[in.name] = ValueType{in.type.dtype, SymShape{Dim::known(batch), Dim::known(seq)}};
  double flops = 0;
  for (const Node& node : graph_.nodes) {
    const OpSchema& op = resolve_op(node, ops);
    std::vector<ShapeInput> inputs(node.inputs.size());
    std::vector<Tensor> dims_only;
    dims_only.reserve(node.inputs.size());  // keeps the views' addresses
    bool inputs_known = true;
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const std::string& name = node.inputs[i];
      if (name.empty()) continue;
      inputs[i].present = true;
      const auto initializer = graph_.initializers.find(name);
      const auto computed = values.find(name);
      const Tensor* value = initializer != graph_.initializers.end() ? &initializer->second
                            : computed != values.end()                ? &computed->second
                                                                      : nullptr;
      if (value) {
        inputs[i].type = ValueType{value->dtype(), to_sym_shape(value->shape())};
        inputs[i].value = value;
        continue;
      }
      if (const auto t = types.find(name); t != types.end()) inputs[i].type = t->second;
      const auto shape = inputs[i].type.shape ? to_concrete(*inputs[i].type.shape) : std::nullopt;
      if (shape && reads_only_dims(node))
        inputs[i].value = &dims_only.emplace_back(inputs[i].type.dtype, *shape, nullptr, nullptr);
      else
        inputs_known = false;
    }
    while (!inputs.empty() && !inputs.back().present) inputs.pop_back();
    const std::vector<ValueType> out = infer_node(node, op, inputs);
    for (size_t i = 0; i < node.outputs.size(); ++i)
      if (!node.outputs[i].empty()) types[node.outputs[i]] = out[i];
    if (is_default_domain(node) && (node.op_type == "MatMul" || node.op_type == "Gemm")) {
      const std::optional<double> product = product_flops(node, inputs, out.at(0));
      if (!product) return std::nullopt;
      flops += *product;
    }
    if (inputs_known) compute_small_outputs(node, op, inputs, out, values);
  }
  return flops;
}

}  // namespace xenc::cli
