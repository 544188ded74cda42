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

// DynamicQuantizeLinear exists from opset 11 (MatMulInteger from 10); a
// per-axis DequantizeLinear (the int8 tables) from DequantizeLinear-13;
// Cast accepts bfloat16 from Cast-13.
int required_opset(QuantizedWeights to, bool tables) { return to == QuantizedWeights::int8 && !tables ? 11 : 13; }

const char* required_op(QuantizedWeights to, bool tables) {
  if (to == QuantizedWeights::bf16) return "Cast from bfloat16";
  return tables ? "DequantizeLinear per row, for the embedding tables" : "DynamicQuantizeLinear";
}

bool is_default_domain(const Node& node) { return node.domain.empty() || node.domain == "ai.onnx"; }

bool is_float_matrix(const Graph& graph, const std::string& name) {
  const Tensor* t = constant_of(graph, name);
  return t && t->dtype() == DType::kFloat && t->rank() == 2;
}

// A MatMul of the default domain whose B is a 2-D float initializer.
bool reads_weight(const Graph& graph, const Node& node) {
  return node.op_type == "MatMul" && is_default_domain(node) && node.inputs.size() == 2 && !node.inputs[0].empty() &&
         is_float_matrix(graph, node.inputs[1]);
}

// A Gather of the default domain whose data is a 2-D float initializer (an
// embedding table, whatever the Gather's axis: the table is converted whole).
bool reads_table(const Graph& graph, const Node& node) {
  return node.op_type == "Gather" && is_default_domain(node) && node.inputs.size() == 2 &&
         is_float_matrix(graph, node.inputs[0]);
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

// W's int8 form: "<W>_quantized" (int8, W's shape) and "<W>_scale" (float,
// one per column of a MatMul weight or per row of an embedding table).
struct Int8Weight {
  std::string quantized;
  std::string scale;
};

enum class ScalePer { column, row };

Int8Weight add_int8_weight(Graph& graph, Names& names, const std::string& w_name, ScalePer per) {
  const Tensor& w = graph.initializers.at(w_name);
  const int64_t k = w.dim(0), n = w.dim(1);
  Tensor quantized(DType::kInt8, {k, n}), scales(DType::kFloat, {per == ScalePer::column ? n : k});
  (per == ScalePer::column ? quantize_columns_symmetric : quantize_rows_symmetric)(
      w.data<float>(), k, n, quantized.data<int8_t>(), scales.data<float>());
  Int8Weight q{names.value(w_name + "_quantized"), names.value(w_name + "_scale")};
  graph.initializers.emplace(q.quantized, std::move(quantized));
  graph.initializers.emplace(q.scale, std::move(scales));
  return q;
}

// The node that gives the readers of initializer `w_name` its float value
// back: Cast "<W>_bf16_Cast"("<W>_bf16") -> "<W>_bf16_cast_output" for bf16
// (a MatMul weight or an embedding table), DequantizeLinear
// "<W>_DequantizeLinear"("<W>_quantized", "<W>_scale", axis 0) ->
// "<W>_DequantizeLinear_Output" for an int8 table (ONNX Runtime's QDQ
// names). The node's output is the float value.
Node add_float_view(Graph& graph, Names& names, const std::string& w_name, QuantizedWeights to, int opset) {
  if (to == QuantizedWeights::int8) {
    const Int8Weight q = add_int8_weight(graph, names, w_name, ScalePer::row);
    Node dequantize = default_node("DequantizeLinear", names.node(w_name + "_DequantizeLinear"), {q.quantized, q.scale},
                                   {names.value(w_name + "_DequantizeLinear_Output")}, opset);
    dequantize.attrs["axis"] = int_attribute(0);
    return dequantize;
  }
  const Tensor& w = graph.initializers.at(w_name);
  Tensor rounded(DType::kBFloat16, w.shape());
  const float* from = w.data<float>();
  BFloat16* to_bits = rounded.data<BFloat16>();
  for (int64_t i = 0; i < w.numel(); ++i) to_bits[i] = to_bfloat16(from[i]);
  const std::string name = names.value(w_name + "_bf16");
  graph.initializers.emplace(name, std::move(rounded));
  Node cast = default_node("Cast", names.node(name + "_Cast"), {name}, {names.value(name + "_cast_output")}, opset);
  cast.attrs["to"] = int_attribute(static_cast<int64_t>(DType::kFloat));
  return cast;
}

// DynamicQuantizeLinear's outputs for one A.
struct QuantizedActivation {
  std::string quantized, scale, zero_point;
};

}  // namespace

const char* quantized_weights_name(QuantizedWeights to) { return to == QuantizedWeights::int8 ? "int8" : "bf16"; }

WeightQuantizationStats quantize_weights(Graph& graph, QuantizedWeights to) {
  WeightQuantizationStats stats;
  stats.opset_before = stats.opset_after = graph.opset("");

  // The MatMuls to rewrite; the initializers they read as B, that Gathers
  // read as data, and that anything else reads (a graph output included).
  std::vector<bool> rewrite(graph.nodes.size());
  std::set<std::string> weights, gather_tables, read_elsewhere;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    rewrite[i] = reads_weight(graph, node);
    if (rewrite[i]) ++stats.mat_muls;
    if (!rewrite[i] && node.op_type == "MatMul" && is_default_domain(node)) ++stats.float_mat_muls;
    const bool gather = reads_table(graph, node);
    for (size_t slot = 0; slot < node.inputs.size(); ++slot) {
      if (rewrite[i] && slot == 1)
        weights.insert(node.inputs[slot]);
      else if (gather && slot == 0)
        gather_tables.insert(node.inputs[slot]);
      else
        read_elsewhere.insert(node.inputs[slot]);
    }
  }
  for (const GraphValue& out : graph.outputs) read_elsewhere.insert(out.name);

  // A table is converted when only Gathers read it (two Gathers of tied
  // embeddings share one copy), and is large enough to be worth it.
  std::set<std::string> tables;
  for (const std::string& t : gather_tables)
    if (graph.initializers.at(t).numel() >= kMinEmbeddingTableElements && !read_elsewhere.count(t) && !weights.count(t))
      tables.insert(t);
  stats.tables = static_cast<int64_t>(tables.size());
  stats.float_tables = static_cast<int64_t>(gather_tables.size() - tables.size());
  if (stats.mat_muls == 0 && stats.tables == 0)
    throw Error("no MatMul with a constant 2-D float weight and no embedding table to convert to " +
                std::string(quantized_weights_name(to)) + " (already quantized?)");

  const int needed = required_opset(to, !tables.empty());
  if (stats.opset_before < needed) {
    const std::string changed = first_changed_op(graph, stats.opset_before, needed);
    if (!changed.empty())
      throw Error("imports opset " + std::to_string(stats.opset_before) + " of the default domain; " +
                  quantized_weights_name(to) + " needs " + std::to_string(needed) + " (" +
                  required_op(to, !tables.empty()) + "), and raising it would change " + changed +
                  "; export the model at opset " + std::to_string(needed) + " or later");
    graph.opsets[""] = needed;
    stats.opset_after = needed;
    for (Node& node : graph.nodes)
      if (is_default_domain(node)) node.opset = needed;
  }
  const int opset = stats.opset_after;

  Names names(graph);
  std::vector<Node> nodes;
  nodes.reserve(graph.nodes.size() + tables.size() + 4 * static_cast<size_t>(stats.mat_muls));
  // Converted initializer -> the float value its readers read instead, made
  // by a node placed before its first reader.
  std::map<std::string, std::string> float_views;
  const auto float_view = [&](const std::string& w) -> const std::string& {
    auto view = float_views.find(w);
    if (view == float_views.end()) {
      nodes.push_back(add_float_view(graph, names, w, to, opset));
      view = float_views.emplace(w, nodes.back().outputs[0]).first;
    }
    return view->second;
  };
  std::map<std::string, Int8Weight> int8_weights;          // by B
  std::map<std::string, QuantizedActivation> activations;  // by A
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& node = graph.nodes[i];
    if (!rewrite[i]) {
      if (node.op_type == "Gather" && !node.inputs.empty() && tables.count(node.inputs[0])) {
        ++stats.gathers;
        node.inputs[0] = float_view(node.inputs[0]);
      }
      nodes.push_back(std::move(node));
      continue;
    }
    const std::string a = node.inputs[0], b = node.inputs[1], y = node.outputs[0];
    if (to == QuantizedWeights::bf16) {
      node.inputs[1] = float_view(b);
      nodes.push_back(std::move(node));
      continue;
    }
    auto weight = int8_weights.find(b);
    if (weight == int8_weights.end())
      weight = int8_weights.emplace(b, add_int8_weight(graph, names, b, ScalePer::column)).first;
    auto activation = activations.find(a);
    if (activation == activations.end()) {
      QuantizedActivation q{names.value(a + "_quantized"), names.value(a + "_scale"), names.value(a + "_zero_point")};
      nodes.push_back(default_node("DynamicQuantizeLinear", names.node(a + "_QuantizeLinear"), {a},
                                   {q.quantized, q.scale, q.zero_point}, opset));
      activation = activations.emplace(a, q).first;
    }
    const QuantizedActivation& q = activation->second;
    const std::string mm = node.name.empty() ? y : node.name;
    const std::string scales = names.value(mm + "_quant_scales_mul:0");
    const std::string product = names.value(y + "_output_quantized");
    const std::string as_float = names.value(y + "_output_quantized_cast_output");
    nodes.push_back(default_node("Mul", names.node(mm + "_quant_scales_mul"), {q.scale, weight->second.scale},
                                 {scales}, opset));
    nodes.push_back(default_node("MatMulInteger", names.node(mm + "_quant"),
                                 {q.quantized, weight->second.quantized, q.zero_point}, {product}, opset));
    Node cast = default_node("Cast", names.node(y + "_output_quantized_cast"), {product}, {as_float}, opset);
    cast.attrs["to"] = int_attribute(static_cast<int64_t>(DType::kFloat));
    nodes.push_back(std::move(cast));
    nodes.push_back(default_node("Mul", names.node(mm + "_quant_output_scale_mul"), {as_float, scales}, {y},
                                 opset));
  }
  graph.nodes = std::move(nodes);

  // Only the Gathers read a converted table; a weight's float original stays
  // for its other readers (a Gather among them: its table was not converted).
  for (const std::string& t : tables) graph.initializers.erase(t);
  stats.weights = static_cast<int64_t>(weights.size());
  for (const std::string& b : weights)
    if (read_elsewhere.count(b) || gather_tables.count(b))
      ++stats.kept_float;
    else
      graph.initializers.erase(b);
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
    result.stats = quantize_weights(model.graph, to);
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
