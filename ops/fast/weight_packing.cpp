#include "ops/fast/weight_packing.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <vector>

#include "ops/common/quantized_mat_mul_attributes.h"
#include "ops/common/weight_quantization.h"
#include "ops/x86/packed_bgemm.h"
#include "ops/x86/packed_qgemm.h"
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

Attribute int_attribute(int64_t value) {
  Attribute a;
  a.kind = Attribute::Kind::kInt;
  a.i = value;
  return a;
}

Attribute ints_attribute(std::vector<int64_t> values) {
  Attribute a;
  a.kind = Attribute::Kind::kInts;
  a.ints = std::move(values);
  return a;
}

// Tensors of one dtype and equal trailing dims, one after another along the first.
Tensor concat_first_dim(const std::vector<Tensor>& parts) {
  Shape shape = parts[0].shape();
  shape[0] = 0;
  for (const Tensor& part : parts) shape[0] += part.dim(0);
  Tensor whole(parts[0].dtype(), shape);
  auto* out = static_cast<std::byte*>(whole.raw());
  for (const Tensor& part : parts) out = std::copy_n(static_cast<const std::byte*>(part.raw()), part.nbytes(), out);
  return whole;
}

Attribute string_attribute(std::string value) {
  Attribute a;
  a.kind = Attribute::Kind::kString;
  a.s = std::move(value);
  return a;
}

// Sets kAttentionProductPrecision on every com.microsoft MultiHeadAttention
// and Attention; true when there was one.
bool use_bf16_attention_products(Graph& graph) {
  bool any = false;
  for (Node& node : graph.nodes)
    if (node.domain == "com.microsoft" && (node.op_type == "MultiHeadAttention" || node.op_type == "Attention")) {
      node.attrs[kAttentionProductPrecision] = string_attribute("bf16");
      any = true;
    }
  return any;
}

// Removes the nodes at these indices, keeping the others' order.
void erase_nodes(Graph& graph, const std::set<size_t>& indices) {
  std::vector<Node> kept;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (!indices.count(i)) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
}

// Where each packed product takes its bias.
size_t bias_input(const Node& node) { return node.op_type == "QuantizedMatMul" ? 5 : 2; }

// A packed product whose output only feeds a com.microsoft BiasGelu (with a
// constant bias of its N columns) or Gelu takes the activation over: the
// product's rows get it while still in cache, and the separate
// activation's buffer (the widest of a transformer layer) is never needed.
bool fuse_gelu_into_packed_mat_muls(Graph& graph) {
  std::map<std::string, std::vector<size_t>> consumers;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (const std::string& in : graph.nodes[i].inputs) consumers[in].push_back(i);
  std::set<std::string> graph_outputs;
  for (const GraphValue& out : graph.outputs) graph_outputs.insert(out.name);

  std::set<size_t> fused;
  for (Node& node : graph.nodes) {
    // A requantized product (QLinearMatMul's) rounds after the sum, so an activation cannot join it.
    if (node.domain != "xenc" || node.has_attr("activation") || node.has_attr("y_scale") ||
        graph_outputs.count(node.outputs[0]))
      continue;
    const size_t bias_slot = bias_input(node);
    const bool has_bias = node.inputs.size() > bias_slot && !node.inputs[bias_slot].empty();
    const std::vector<size_t>& readers = consumers[node.outputs[0]];
    if (readers.size() != 1) continue;
    const Node& gelu = graph.nodes[readers[0]];
    if (gelu.domain != "com.microsoft" || gelu.inputs.empty() || gelu.inputs[0] != node.outputs[0]) continue;
    if (gelu.op_type == "BiasGelu") {
      if (has_bias) continue;  // imported products may bring a bias of their own
      const auto bias = gelu.inputs.size() == 2 ? graph.initializers.find(gelu.inputs[1]) : graph.initializers.end();
      if (bias == graph.initializers.end() || bias->second.dtype() != DType::kFloat || bias->second.rank() != 1 ||
          bias->second.dim(0) != node.attr_int("n", -1))
        continue;
      node.inputs.resize(bias_slot);
      node.inputs.push_back(bias->first);
    } else if (gelu.op_type != "Gelu" || gelu.inputs.size() != 1) {
      continue;
    }
    node.attrs["activation"] = string_attribute("gelu");
    node.outputs = gelu.outputs;
    fused.insert(readers[0]);
  }
  erase_nodes(graph, fused);
  return !fused.empty();
}

// The QuantizedMatMuls of one A quantized per row (a layer's query, key and
// value projections) become one node with an output per product
// (attribute output_widths): A is quantized once instead of once per
// product, and one set of tasks covers them all. Their panels, scales and
// column sums are concatenated, so each width must be whole panels; nodes
// with an activation, a bias, B zero points or a requantized output stay.
bool merge_quantized_mat_muls_of_one_a(Graph& graph) {
  const auto mergeable = [&](const Node& node) {
    return node.domain == "xenc" && node.op_type == "QuantizedMatMul" && node.inputs.size() == 4 &&
           node.outputs.size() == 1 && node.attr_string("a_quantization", "row") == "row" &&
           !node.has_attr("activation") && !node.has_attr("y_scale") && !node.has_attr("output_widths") &&
           node.attr_int("n", 0) % kQPanelWidth == 0 && node.attr_int("n", 0) > 0;
  };
  std::map<std::string, std::vector<size_t>> by_input;
  std::map<std::string, int> readers;  // per initializer
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (mergeable(graph.nodes[i])) by_input[graph.nodes[i].inputs[0]].push_back(i);
    for (const std::string& in : graph.nodes[i].inputs) ++readers[in];
  }
  std::set<size_t> merged;
  for (auto& [a, group] : by_input) {
    if (group.size() < 2) continue;
    Node& first = graph.nodes[group[0]];
    std::vector<int64_t> widths;
    std::vector<std::string> outputs;
    std::vector<Tensor> parts[3];  // panels, scales, column sums
    for (size_t i : group) {
      const Node& node = graph.nodes[i];
      widths.push_back(node.attr_int("n", 0));
      outputs.push_back(node.outputs[0]);
      for (int p = 0; p < 3; ++p) parts[p].push_back(graph.initializers.at(node.inputs[1 + p]));
    }
    std::vector<std::string> names = {a};
    for (int p = 0; p < 3; ++p) {
      names.push_back(unused_name(graph, first.inputs[1 + p] + "/merged"));
      graph.initializers.emplace(names.back(), concat_first_dim(parts[p]));
    }
    for (size_t i : group) {
      for (int p = 1; p <= 3; ++p)
        if (--readers[graph.nodes[i].inputs[p]] == 0) graph.initializers.erase(graph.nodes[i].inputs[p]);
      if (i != group[0]) merged.insert(i);
    }
    first.inputs = names;
    first.outputs = outputs;
    first.attrs["n"] = int_attribute(std::accumulate(widths.begin(), widths.end(), int64_t{0}));
    first.attrs["output_widths"] = ints_attribute(widths);
  }
  erase_nodes(graph, merged);
  return !merged.empty();
}

// A QuantizedMatMul whose output only the next one reads, quantized per row
// (a layer's feed-forward products: the 1536-wide activation between them),
// returns that output quantized (output_quantization "row") and the next
// takes it so: the widest activation of a layer is never written as floats
// and read back to be quantized, and each of its rows is quantized while
// in cache. The results are the same bits.
bool link_quantized_mat_muls(Graph& graph) {
  const auto row_quantized = [](const Node& node) {
    return node.domain == "xenc" && node.op_type == "QuantizedMatMul" && node.outputs.size() == 1 &&
           node.attr_string("a_quantization", "row") == "row" && !node.has_attr("y_scale") &&
           !node.has_attr("output_widths") && !node.has_attr("output_quantization");
  };
  std::map<std::string, std::vector<size_t>> consumers;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (const std::string& in : graph.nodes[i].inputs) consumers[in].push_back(i);
  std::set<std::string> graph_outputs;
  for (const GraphValue& out : graph.outputs) graph_outputs.insert(out.name);
  bool linked = false;
  for (Node& producer : graph.nodes) {
    if (!row_quantized(producer) || graph_outputs.count(producer.outputs[0])) continue;
    const std::vector<size_t>& readers = consumers[producer.outputs[0]];
    if (readers.size() != 1) continue;
    Node& consumer = graph.nodes[readers[0]];
    if (!row_quantized(consumer) || consumer.inputs[0] != producer.outputs[0] ||
        std::count(consumer.inputs.begin(), consumer.inputs.end(), producer.outputs[0]) != 1)
      continue;
    const std::string params = unused_name(graph, producer.outputs[0] + "/row_params");
    producer.attrs["output_quantization"] = string_attribute("row");
    producer.outputs.push_back(params);
    consumer.inputs.resize(kRowParamsInput, "");
    consumer.inputs.push_back(params);
    linked = true;
  }
  return linked;
}

// A com.microsoft SkipLayerNormalization whose output one per-row
// QuantizedMatMul reads (besides any other readers: the residual) also
// returns that output quantized per row (kQuantizedRowsAttribute), which
// the product takes instead of quantizing the floats again: the rows are
// quantized while the normalization has them in cache, with the same bits.
bool quantize_layer_norm_outputs(Graph& graph) {
  std::map<std::string, std::vector<size_t>> product_readers;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if (node.domain == "xenc" && node.op_type == "QuantizedMatMul" && node.attr_string("a_quantization", "row") == "row" &&
        !node.has_attr("y_scale") && (node.inputs.size() <= kRowParamsInput || node.inputs[kRowParamsInput].empty()))
      product_readers[node.inputs[0]].push_back(i);
  }
  bool linked = false;
  for (Node& norm : graph.nodes) {
    if (norm.domain != "com.microsoft" || norm.op_type != "SkipLayerNormalization" || norm.has_attr(kQuantizedRowsAttribute))
      continue;
    const auto readers = product_readers.find(norm.outputs[0]);
    if (readers == product_readers.end() || readers->second.size() != 1) continue;
    Node& product = graph.nodes[readers->second[0]];
    const std::string values = unused_name(graph, norm.outputs[0] + "/quantized");
    const std::string params = unused_name(graph, norm.outputs[0] + "/row_params");
    norm.attrs[kQuantizedRowsAttribute] = int_attribute(1);
    norm.outputs.resize(kQuantizedRowsOutput, "");
    norm.outputs.push_back(values);
    norm.outputs.push_back(params);
    product.inputs[0] = values;
    product.inputs.resize(kRowParamsInput, "");
    product.inputs.push_back(params);
    linked = true;
  }
  return linked;
}

// B as PackedMatMul's float panels.
std::vector<Tensor> pack_fp32(const Tensor& b) {
  const int64_t k = b.dim(0), n = b.dim(1);
  Tensor panels(DType::kFloat, {packed_panel_count(n), k, kPackedPanelWidth});
  pack_sgemm_weights(b.data<float>(), k, n, panels.data<float>());
  return {std::move(panels)};
}

// B as PackedMatMul's bf16 panels.
std::vector<Tensor> pack_bf16(const Tensor& b) {
  const int64_t k = b.dim(0), n = b.dim(1);
  Tensor panels(DType::kBFloat16, {bgemm_panel_count(n), bgemm_padded_depth(k), kBPanelWidth});
  pack_bgemm_weights(b.data<float>(), k, n, reinterpret_cast<uint16_t*>(panels.data<BFloat16>()));
  return {std::move(panels)};
}

// B as QuantizedMatMul's int8 panels, column scales and column sums.
std::vector<Tensor> pack_int8(const Tensor& b) {
  const int64_t k = b.dim(0), n = b.dim(1);
  Tensor scales(DType::kFloat, {n}), sums(DType::kInt32, {n});
  std::vector<int8_t> quantized(static_cast<size_t>(k * n));
  quantize_columns_symmetric(b.data<float>(), k, n, quantized.data(), scales.data<float>());
  int32_t* column_sums = sums.data<int32_t>();
  std::fill(column_sums, column_sums + n, 0);
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < n; ++j) column_sums[j] += quantized[static_cast<size_t>(p * n + j)];
  Tensor panels(DType::kInt8, {qgemm_panel_count(n), qgemm_padded_depth(k), kQPanelWidth});
  pack_qgemm_weights(quantized.data(), k, n, panels.data<int8_t>());
  return {std::move(panels), std::move(scales), std::move(sums)};
}

}  // namespace

bool pack_mat_mul_weights(Graph& graph, MatMulPrecision precision) {
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

  static const char* const kPartNames[] = {"/packed", "/scales", "/column_sums"};
  for (const auto& [weight, mat_muls] : readers) {
    const auto original = graph.initializers.find(weight);
    const int64_t k = original->second.dim(0), n = original->second.dim(1);
    // Deeper products than the int8 kernels' exact range stay float.
    const bool int8 = precision == MatMulPrecision::int8 && k <= kQgemmMaxDepth;
    std::vector<Tensor> parts = int8                                  ? pack_int8(original->second)
                                : precision == MatMulPrecision::bf16 ? pack_bf16(original->second)
                                                                      : pack_fp32(original->second);
    // Dropped at once, so that loading never holds two copies of every weight.
    if (!read_elsewhere[weight]) graph.initializers.erase(original);
    std::vector<std::string> names;
    for (size_t i = 0; i < parts.size(); ++i) {
      names.push_back(unused_name(graph, weight + kPartNames[i]));
      graph.initializers.emplace(names.back(), std::move(parts[i]));
    }
    for (Node* node : mat_muls) {
      node->op_type = int8 ? "QuantizedMatMul" : "PackedMatMul";
      node->domain = "xenc";
      node->opset = 1;
      node->inputs.resize(1);
      node->inputs.insert(node->inputs.end(), names.begin(), names.end());
      node->attrs = {{"n", int_attribute(n)}};
      if (int8) node->attrs["a_quantization"] = string_attribute("row");
    }
  }
  if (!readers.empty()) graph.opsets.try_emplace("xenc", 1);
  const bool attention = precision != MatMulPrecision::fp32 && use_bf16_attention_products(graph);
  // Products already in the graph (imported int8 ones) take their GELU too.
  const bool gelu = fuse_gelu_into_packed_mat_muls(graph);
  const bool merged = merge_quantized_mat_muls_of_one_a(graph);
  const bool linked = link_quantized_mat_muls(graph);
  const bool normalized = quantize_layer_norm_outputs(graph);
  return gelu || merged || linked || normalized || !readers.empty() || attention;
}

}  // namespace xenc
