#include "exporter/quantized_export.h"

#include <onnx/defs/schema.h>

#include <map>
#include <set>

#include "exporter/export_directory.h"
#include "exporter/onnx_writer.h"
#include "graph/error.h"
#include "graph/onnx_loader.h"
#include "graph/passes/pattern.h"
#include "ops/common/weight_quantization.h"
#include "runtime/model_directory.h"

namespace xenc {

namespace fs = std::filesystem;

namespace {

// DynamicQuantizeLinear exists from opset 11 (MatMulInteger from 10);
// Cast accepts bfloat16 from Cast-13.
int required_opset(QuantizedWeights to) { return to == QuantizedWeights::int8 ? 11 : 13; }

bool is_default_domain(const Node& node) { return node.domain.empty() || node.domain == "ai.onnx"; }

// A MatMul of the default domain whose B is a 2-D float initializer.
bool reads_weight(const Graph& graph, const Node& node) {
  if (node.op_type != "MatMul" || !is_default_domain(node) || node.inputs.size() != 2 || node.inputs[0].empty())
    return false;
  const Tensor* b = constant_of(graph, node.inputs[1]);
  return b && b->dtype() == DType::kFloat && b->rank() == 2;
}

// Raising the imported opset from `from` to `to` keeps the meaning of every
// default-domain op of `graph` when each resolves to the same schema
// version at both (libonnx's registry; an op it does not know counts as
// changed). Returns the first op that changes, or "" when none does.
std::string first_changed_op(const Graph& graph, int from, int to) {
  std::set<std::string> checked;
  for (const Node& node : graph.nodes) {
    if (!is_default_domain(node) || !checked.insert(node.op_type).second) continue;
    const onnx::OpSchema* before = onnx::OpSchemaRegistry::Schema(node.op_type, from, "");
    const onnx::OpSchema* after = onnx::OpSchemaRegistry::Schema(node.op_type, to, "");
    if (!before || !after)
      return node.op_type + " (not an ONNX op at opset " + std::to_string(before ? to : from) + ")";
    if (before->SinceVersion() != after->SinceVersion())
      return node.op_type + " (" + node.op_type + "-" + std::to_string(after->SinceVersion()) + " replaces " +
             node.op_type + "-" + std::to_string(before->SinceVersion()) + ")";
  }
  return "";
}

// Fresh value and node names: `base`, else `base_1`, `base_2`, ...
class Names {
 public:
  explicit Names(const Graph& graph) {
    for (const GraphValue& v : graph.inputs) values_.insert(v.name);
    for (const GraphValue& v : graph.outputs) values_.insert(v.name);
    for (const auto& [name, tensor] : graph.initializers) values_.insert(name);
    for (const Node& node : graph.nodes) {
      nodes_.insert(node.name);
      values_.insert(node.inputs.begin(), node.inputs.end());
      values_.insert(node.outputs.begin(), node.outputs.end());
    }
  }
  std::string value(const std::string& base) { return fresh(values_, base); }
  std::string node(const std::string& base) { return fresh(nodes_, base); }

 private:
  static std::string fresh(std::set<std::string>& taken, const std::string& base) {
    std::string name = base;
    for (int i = 1; taken.count(name); ++i) name = base + "_" + std::to_string(i);
    taken.insert(name);
    return name;
  }
  std::set<std::string> values_;
  std::set<std::string> nodes_;
};

Node default_node(std::string op_type, std::string name, std::vector<std::string> inputs,
                  std::vector<std::string> outputs, int opset) {
  Node node;
  node.op_type = std::move(op_type);
  node.name = std::move(name);
  node.opset = opset;
  node.inputs = std::move(inputs);
  node.outputs = std::move(outputs);
  return node;
}

// B's int8 form: "<B>_quantized" and "<B>_scale".
struct Int8Weight {
  std::string quantized;
  std::string scale;
};

Int8Weight add_int8_weight(Graph& graph, Names& names, const std::string& b_name) {
  const Tensor& b = graph.initializers.at(b_name);
  const int64_t k = b.dim(0), n = b.dim(1);
  Tensor quantized(DType::kInt8, {k, n}), scales(DType::kFloat, {n});
  quantize_columns_symmetric(b.data<float>(), k, n, quantized.data<int8_t>(), scales.data<float>());
  Int8Weight w{names.value(b_name + "_quantized"), names.value(b_name + "_scale")};
  graph.initializers.emplace(w.quantized, std::move(quantized));
  graph.initializers.emplace(w.scale, std::move(scales));
  return w;
}

std::string add_bf16_weight(Graph& graph, Names& names, const std::string& b_name) {
  const Tensor& b = graph.initializers.at(b_name);
  Tensor rounded(DType::kBFloat16, b.shape());
  const float* from = b.data<float>();
  BFloat16* to = rounded.data<BFloat16>();
  for (int64_t i = 0; i < b.numel(); ++i) to[i] = to_bfloat16(from[i]);
  const std::string name = names.value(b_name + "_bf16");
  graph.initializers.emplace(name, std::move(rounded));
  return name;
}

// DynamicQuantizeLinear's outputs for one A.
struct QuantizedActivation {
  std::string quantized, scale, zero_point;
};

}  // namespace

const char* quantized_weights_name(QuantizedWeights to) { return to == QuantizedWeights::int8 ? "int8" : "bf16"; }

WeightQuantizationStats quantize_mat_mul_weights(Graph& graph, QuantizedWeights to) {
  WeightQuantizationStats stats;
  stats.opset_before = stats.opset_after = graph.opset("");

  // The MatMuls to rewrite, and the weights something else reads as well.
  std::vector<bool> rewrite(graph.nodes.size());
  std::set<std::string> read_elsewhere;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    rewrite[i] = reads_weight(graph, node);
    if (rewrite[i]) ++stats.mat_muls;
    if (!rewrite[i] && node.op_type == "MatMul" && is_default_domain(node)) ++stats.float_mat_muls;
    for (size_t slot = 0; slot < node.inputs.size(); ++slot)
      if (!(rewrite[i] && slot == 1)) read_elsewhere.insert(node.inputs[slot]);
  }
  for (const GraphValue& out : graph.outputs) read_elsewhere.insert(out.name);
  if (stats.mat_muls == 0)
    throw Error("no MatMul with a constant 2-D float weight to convert to " +
                std::string(quantized_weights_name(to)) + " (already quantized?)");

  const int needed = required_opset(to);
  if (stats.opset_before < needed) {
    const std::string changed = first_changed_op(graph, stats.opset_before, needed);
    if (!changed.empty())
      throw Error("imports opset " + std::to_string(stats.opset_before) + " of the default domain; " +
                  quantized_weights_name(to) + " needs " + std::to_string(needed) + " (" +
                  (to == QuantizedWeights::int8 ? "DynamicQuantizeLinear" : "Cast from bfloat16") +
                  "), and raising it would change " + changed + "; export the model at opset " +
                  std::to_string(needed) + " or later");
    graph.opsets[""] = needed;
    stats.opset_after = needed;
    for (Node& node : graph.nodes)
      if (is_default_domain(node)) node.opset = needed;
  }
  const int opset = stats.opset_after;

  Names names(graph);
  std::map<std::string, Int8Weight> int8_weights;          // by B
  std::map<std::string, std::string> bf16_weights;         // B -> its Cast's float output
  std::map<std::string, QuantizedActivation> activations;  // by A
  std::vector<Node> nodes;
  nodes.reserve(graph.nodes.size() + 4 * static_cast<size_t>(stats.mat_muls));
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& mm = graph.nodes[i];
    if (!rewrite[i]) {
      nodes.push_back(std::move(mm));
      continue;
    }
    const std::string a = mm.inputs[0], b = mm.inputs[1], y = mm.outputs[0];
    if (to == QuantizedWeights::bf16) {
      auto weight = bf16_weights.find(b);
      if (weight == bf16_weights.end()) {
        const std::string rounded = add_bf16_weight(graph, names, b);
        const std::string as_float = names.value(rounded + "_cast_output");
        Node cast = default_node("Cast", names.node(rounded + "_Cast"), {rounded}, {as_float}, opset);
        cast.attrs["to"] = int_attribute(static_cast<int64_t>(DType::kFloat));
        nodes.push_back(std::move(cast));
        weight = bf16_weights.emplace(b, as_float).first;
      }
      mm.inputs[1] = weight->second;
      nodes.push_back(std::move(mm));
      continue;
    }
    auto weight = int8_weights.find(b);
    if (weight == int8_weights.end()) weight = int8_weights.emplace(b, add_int8_weight(graph, names, b)).first;
    auto activation = activations.find(a);
    if (activation == activations.end()) {
      QuantizedActivation q{names.value(a + "_quantized"), names.value(a + "_scale"), names.value(a + "_zero_point")};
      nodes.push_back(default_node("DynamicQuantizeLinear", names.node(a + "_QuantizeLinear"), {a},
                                   {q.quantized, q.scale, q.zero_point}, opset));
      activation = activations.emplace(a, q).first;
    }
    const QuantizedActivation& q = activation->second;
    const std::string node = mm.name.empty() ? y : mm.name;
    const std::string scales = names.value(node + "_quant_scales_mul:0");
    const std::string product = names.value(y + "_output_quantized");
    const std::string as_float = names.value(y + "_output_quantized_cast_output");
    nodes.push_back(default_node("Mul", names.node(node + "_quant_scales_mul"), {q.scale, weight->second.scale},
                                 {scales}, opset));
    nodes.push_back(default_node("MatMulInteger", names.node(node + "_quant"),
                                 {q.quantized, weight->second.quantized, q.zero_point}, {product}, opset));
    Node cast = default_node("Cast", names.node(y + "_output_quantized_cast"), {product}, {as_float}, opset);
    cast.attrs["to"] = int_attribute(static_cast<int64_t>(DType::kFloat));
    nodes.push_back(std::move(cast));
    nodes.push_back(default_node("Mul", names.node(node + "_quant_output_scale_mul"), {as_float, scales}, {y},
                                 opset));
  }
  graph.nodes = std::move(nodes);

  const auto converted = [&](const std::string& b) {
    ++stats.weights;
    if (read_elsewhere.count(b))
      ++stats.kept_float;
    else
      graph.initializers.erase(b);
  };
  for (const auto& [b, weight] : int8_weights) converted(b);
  for (const auto& [b, weight] : bf16_weights) converted(b);
  return stats;
}

QuantizedExportResult export_quantized(const fs::path& from, const fs::path& out_arg, QuantizedWeights to,
                                       const std::string& onnx_file) {
  const fs::path out = export_destination(out_arg);
  const ModelDirectory source = ModelDirectory::open(from, onnx_file);
  check_export_destination(out);

  QuantizedExportResult result;
  result.source = source.onnx_file;
  std::error_code ec;
  result.source_bytes = fs::file_size(source.onnx_file, ec);
  Model model = load_onnx(source.onnx_file);
  try {
    result.stats = quantize_mat_mul_weights(model.graph, to);
  } catch (const Error& e) {
    throw Error(source.onnx_file.string() + ": " + e.what());
  }
  if (fs::is_regular_file(from / "config.json", ec)) result.copied.push_back("config.json");
  for (const std::string& name : tokenizer_files(from)) result.copied.push_back(name);

  write_export_directory(out, [&](const fs::path& staging) {
    fs::create_directory(staging / "onnx");
    write_onnx(model.graph, staging / "onnx" / "model.onnx");
    for (const char* name : {"model.onnx", "model.onnx_data"})  // the second only past 2 GB
      if (fs::exists(staging / "onnx" / name)) result.written_bytes += fs::file_size(staging / "onnx" / name);
    copy_files(from, result.copied, staging);
  });
  return result;
}

}  // namespace xenc
