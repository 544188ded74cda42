#include "ops/fast/quantized_import.h"

#include <map>
#include <optional>

#include "graph/passes/passes.h"
#include "graph/passes/pattern.h"
#include "ops/common/quantization.h"
#include "ops/registry.h"
#include "ops/x86/packed_qgemm.h"

namespace xenc {
namespace {

// A constant of one element or of n, as n values.
template <class T>
std::optional<std::vector<T>> per_column(const Tensor* t, int64_t n) {
  if (!t || t->dtype() != dtype_of<T>() || !(t->numel() == 1 || (t->rank() == 1 && t->numel() == n)))
    return std::nullopt;
  const T* values = t->data<T>();
  std::vector<T> out(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j) out[static_cast<size_t>(j)] = values[t->numel() == 1 ? 0 : j];
  return out;
}

// B's integers as int8 (uint8 shifted by -128) and its zero points alike.
template <class T>
std::optional<Rewrite> weights_of(const Tensor& b, const Tensor* zero_point, Rewrite rewrite) {
  const int64_t k = b.dim(0), n = b.dim(1);
  constexpr int kShift = std::is_same_v<T, uint8_t> ? 128 : 0;
  std::vector<T> zeros(static_cast<size_t>(n), T{0});
  if (zero_point) {
    const auto given = per_column<T>(zero_point, n);
    if (!given) return std::nullopt;
    zeros = *given;
  }
  std::vector<int8_t> weights(static_cast<size_t>(k * n));
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<int8_t>(b.data<T>()[i] - kShift);
  Tensor packed(DType::kInt8, {qgemm_panel_count(n), qgemm_padded_depth(k), kQPanelWidth});
  pack_qgemm_weights(weights.data(), k, n, packed.data<int8_t>());
  Tensor sums(DType::kInt32, {n}), shifted_zeros(DType::kInt8, {n});
  bool any_zero_point = false;
  for (int64_t j = 0; j < n; ++j) {
    int32_t sum = 0;
    for (int64_t p = 0; p < k; ++p) sum += weights[static_cast<size_t>(p * n + j)];
    sums.data<int32_t>()[j] = sum;
    shifted_zeros.data<int8_t>()[j] = static_cast<int8_t>(zeros[static_cast<size_t>(j)] - kShift);
    any_zero_point = any_zero_point || shifted_zeros.data<int8_t>()[j] != 0;
  }
  const std::string base = rewrite.replacement.outputs[0];
  rewrite.initializers.emplace(base + "/packed_b", std::move(packed));
  rewrite.initializers.emplace(base + "/b_sums", std::move(sums));
  rewrite.replacement.inputs[1] = base + "/packed_b";
  rewrite.replacement.inputs[3] = base + "/b_sums";
  if (any_zero_point) {
    rewrite.initializers.emplace(base + "/b_zero_points", std::move(shifted_zeros));
    rewrite.replacement.inputs[4] = base + "/b_zero_points";
  }
  return rewrite;
}

// The QuantizedMatMul of float A times the constant B (with its scale and
// zero point) plus an optional constant bias, replacing `nodes`; A is
// quantized per tensor unless `attributes` say otherwise.
std::optional<Rewrite> quantized_product(const Graph& graph, std::vector<size_t> nodes, const std::string& a,
                                         const std::string& b_name, const std::string& b_scale,
                                         const std::string& b_zero_point, const std::string& bias,
                                         const Node& last, const std::map<std::string, Attribute>& attributes = {}) {
  const Tensor* b = constant_of(graph, b_name);
  if (!b || b->rank() != 2 || b->dim(0) > kQgemmMaxDepth) return std::nullopt;
  const int64_t n = b->dim(1);
  const auto scales = per_column<float>(constant_of(graph, b_scale), n);
  if (!scales) return std::nullopt;
  if (!bias.empty() && !per_column<float>(constant_of(graph, bias), n)) return std::nullopt;
  const Tensor* zero_point = b_zero_point.empty() ? nullptr : constant_of(graph, b_zero_point);
  if (!b_zero_point.empty() && !zero_point) return std::nullopt;

  Node node;
  node.name = fused_name(last, "QuantizedMatMul");
  node.op_type = "QuantizedMatMul";
  node.domain = "xenc";
  node.opset = 1;
  node.inputs = {a, "", last.outputs[0] + "/b_scales", "", "", bias};
  node.outputs = {last.outputs[0]};
  node.attrs = {{"n", int_attribute(n)}};
  Attribute mode;
  mode.kind = Attribute::Kind::kString;
  mode.s = "tensor";
  node.attrs["a_quantization"] = mode;
  for (const auto& [name, value] : attributes) node.attrs[name] = value;
  Rewrite rewrite{std::move(nodes), std::move(node)};
  Tensor scale_tensor(DType::kFloat, {n});
  std::copy(scales->begin(), scales->end(), scale_tensor.data<float>());
  rewrite.initializers.emplace(last.outputs[0] + "/b_scales", std::move(scale_tensor));
  if (b->dtype() == DType::kInt8) return weights_of<int8_t>(*b, zero_point, std::move(rewrite));
  if (b->dtype() == DType::kUint8) return weights_of<uint8_t>(*b, zero_point, std::move(rewrite));
  return std::nullopt;
}

std::string input_or_empty(const Node& node, size_t i) { return i < node.inputs.size() ? node.inputs[i] : ""; }

// The DynamicQuantizeLinear producing all three of `quantized`, `scale` and
// `zero_point` (nullptr when it is another node or they differ).
const Node* dynamic_quantizer(const GraphIndex& index, const std::string& quantized, const std::string& scale,
                              const std::string& zero_point) {
  const Node* q = index.producer(quantized, "DynamicQuantizeLinear");
  if (!q || q->outputs.size() != 3 || q->outputs[0] != quantized || q->outputs[1] != scale || q->outputs[2] != zero_point)
    return nullptr;
  return q;
}

// DynamicQuantizeLinear -> MatMulInteger -> Cast(to float) -> Mul(·, Mul(a_scale, b_scale)).
std::optional<Rewrite> match_mat_mul_integer(const GraphIndex& index, const Node& mm) {
  const Graph& graph = index.graph();
  if (mm.inputs.size() < 3) return std::nullopt;
  const Node* cast = index.sole_consumer(mm.outputs[0], "Cast");
  if (!cast || cast->attr_int("to", 0) != static_cast<int64_t>(DType::kFloat)) return std::nullopt;
  const Node* scale = index.sole_consumer(cast->outputs[0], "Mul");
  const auto scales = scale ? other_operand(*scale, cast->outputs[0]) : std::nullopt;
  const Node* scales_product = scales ? index.producer(*scales, "Mul") : nullptr;
  if (!scales_product || scales_product->inputs.size() != 2) return std::nullopt;
  for (size_t side = 0; side < 2; ++side) {
    const Node* quantizer = dynamic_quantizer(index, mm.inputs[0], scales_product->inputs[side], mm.inputs[2]);
    if (!quantizer) continue;
    return quantized_product(graph, {index.index_of(mm), index.index_of(*cast), index.index_of(*scale)},
                             quantizer->inputs[0], mm.inputs[1], scales_product->inputs[1 - side],
                             input_or_empty(mm, 3), "", *scale);
  }
  return std::nullopt;
}

// com.microsoft DynamicQuantizeMatMul(A, B, b_scale, b_zero_point?, bias?).
std::optional<Rewrite> match_dynamic_quantize_mat_mul(const GraphIndex& index, const Node& node) {
  if (node.inputs.size() < 3) return std::nullopt;
  return quantized_product(index.graph(), {index.index_of(node)}, node.inputs[0], node.inputs[1], node.inputs[2],
                           input_or_empty(node, 3), input_or_empty(node, 4), node);
}

// DynamicQuantizeLinear -> com.microsoft MatMulIntegerToFloat(A, B, a_scale, b_scale, a_zero_point,
// b_zero_point?, bias?).
std::optional<Rewrite> match_mat_mul_integer_to_float(const GraphIndex& index, const Node& node) {
  if (node.inputs.size() < 5) return std::nullopt;
  const Node* quantizer = dynamic_quantizer(index, node.inputs[0], node.inputs[2], node.inputs[4]);
  if (!quantizer) return std::nullopt;
  return quantized_product(index.graph(), {index.index_of(node)}, quantizer->inputs[0], node.inputs[1],
                           node.inputs[3], input_or_empty(node, 5), input_or_empty(node, 6), node);
}

// A quantization by constant one-element scale and zero point (uint8, or
// int8 shifted by 128: the same levels), as QuantizeLinear's, or nullopt.
std::optional<Uint8Quantization> fixed_quantization(const Graph& graph, const Node& node) {
  const Tensor* scale = node.inputs.size() > 1 ? constant_of(graph, node.inputs[1]) : nullptr;
  const Tensor* zero_point = node.inputs.size() > 2 ? constant_of(graph, node.inputs[2]) : nullptr;
  if (!scale || scale->dtype() != DType::kFloat || scale->numel() != 1 || !(scale->data<float>()[0] > 0))
    return std::nullopt;
  if (node.inputs.size() > 2 && (!zero_point || zero_point->numel() != 1)) return std::nullopt;
  if (!zero_point || zero_point->dtype() == DType::kUint8)
    return Uint8Quantization{scale->data<float>()[0], zero_point ? zero_point->data<uint8_t>()[0] : uint8_t{0}};
  if (zero_point->dtype() != DType::kInt8) return std::nullopt;
  return Uint8Quantization{scale->data<float>()[0], static_cast<uint8_t>(zero_point->data<int8_t>()[0] + 128)};
}

bool same_quantization(const std::optional<Uint8Quantization>& a, const std::optional<Uint8Quantization>& b) {
  return a && b && a->scale == b->scale && a->zero_point == b->zero_point;
}

Attribute float_attribute_of(float value) {
  Attribute a;
  a.kind = Attribute::Kind::kFloat;
  a.f = value;
  return a;
}

// QuantizeLinear's attributes of a static QuantizedMatMul.
std::map<std::string, Attribute> static_attributes(Uint8Quantization a) {
  Attribute mode;
  mode.kind = Attribute::Kind::kString;
  mode.s = "static";
  return {{"a_quantization", mode}, {"a_scale", float_attribute_of(a.scale)}, {"a_zero_point", int_attribute(a.zero_point)}};
}

// The QuantizeLinear whose output is `value`, when its parameters are
// fixed; its input is the float A.
const Node* fixed_quantizer(const GraphIndex& index, const std::string& value, Uint8Quantization& quantization) {
  const Node* q = index.producer(value, "QuantizeLinear");
  if (!q || q->has_attr("axis") || q->has_attr("saturate")) return nullptr;
  const auto fixed = fixed_quantization(index.graph(), *q);
  if (!fixed) return nullptr;
  quantization = *fixed;
  return q;
}

// QDQ: MatMul(DequantizeLinear(QuantizeLinear(A)), DequantizeLinear(B)) with
// the same fixed parameters on both sides of A and B's per tensor or per
// column (axis 1).
std::optional<Rewrite> match_qdq_mat_mul(const GraphIndex& index, const Node& mm) {
  const Graph& graph = index.graph();
  if (mm.inputs.size() != 2) return std::nullopt;
  const Node* a_dq = index.producer(mm.inputs[0], "DequantizeLinear");
  const Node* b_dq = index.producer(mm.inputs[1], "DequantizeLinear");
  if (!a_dq || !b_dq || b_dq->inputs.size() < 2) return std::nullopt;
  Uint8Quantization a_quantization;
  const Node* a_q = fixed_quantizer(index, a_dq->inputs[0], a_quantization);
  if (!a_q || !same_quantization(a_quantization, fixed_quantization(graph, *a_dq))) return std::nullopt;
  const Tensor* b = constant_of(graph, b_dq->inputs[0]);
  const Tensor* b_scale = constant_of(graph, b_dq->inputs[1]);
  if (!b || b->rank() != 2 || !b_scale) return std::nullopt;
  if (b_scale->numel() != 1 && b_dq->attr_int("axis", 1) != 1 && b_dq->attr_int("axis", 1) != -1) return std::nullopt;
  return quantized_product(graph, {index.index_of(mm)}, a_q->inputs[0], b_dq->inputs[0], b_dq->inputs[1],
                           input_or_empty(*b_dq, 2), "", mm, static_attributes(a_quantization));
}

// QuantizeLinear(A) -> QLinearMatMul -> DequantizeLinear, with fixed
// parameters that agree between each QuantizeLinear / DequantizeLinear and
// the product.
std::optional<Rewrite> match_q_linear_mat_mul(const GraphIndex& index, const Node& mm) {
  const Graph& graph = index.graph();
  if (mm.inputs.size() != 8) return std::nullopt;
  Uint8Quantization a_quantization;
  const Node* a_q = fixed_quantizer(index, mm.inputs[0], a_quantization);
  Node a_params;  // QLinearMatMul's own view of A's and Y's parameters
  a_params.inputs = {mm.inputs[0], mm.inputs[1], mm.inputs[2]};
  Node y_params;
  y_params.inputs = {mm.outputs[0], mm.inputs[6], mm.inputs[7]};
  const Node* y_dq = index.sole_consumer(mm.outputs[0], "DequantizeLinear");
  const auto y_quantization = fixed_quantization(graph, y_params);
  if (!a_q || !y_dq || !same_quantization(a_quantization, fixed_quantization(graph, a_params)) ||
      !same_quantization(y_quantization, fixed_quantization(graph, *y_dq)))
    return std::nullopt;
  std::map<std::string, Attribute> attributes = static_attributes(a_quantization);
  attributes["y_scale"] = float_attribute_of(y_quantization->scale);
  attributes["y_zero_point"] = int_attribute(y_quantization->zero_point);
  return quantized_product(graph, {index.index_of(mm), index.index_of(*y_dq)}, a_q->inputs[0], mm.inputs[3],
                           mm.inputs[4], mm.inputs[5], "", *y_dq, attributes);
}

bool is_contrib(const Node& node, const char* op_type) {
  return node.domain == "com.microsoft" && node.op_type == op_type;
}

}  // namespace

bool fuse_quantized_mat_muls(Graph& graph) {
  const GraphIndex index(graph);
  std::vector<Rewrite> rewrites;
  for (const Node& node : graph.nodes) {
    std::optional<Rewrite> rewrite;
    if (is_op(node, "MatMulInteger")) rewrite = match_mat_mul_integer(index, node);
    if (is_contrib(node, "DynamicQuantizeMatMul")) rewrite = match_dynamic_quantize_mat_mul(index, node);
    if (is_contrib(node, "MatMulIntegerToFloat")) rewrite = match_mat_mul_integer_to_float(index, node);
    if (is_op(node, "MatMul")) rewrite = match_qdq_mat_mul(index, node);
    if (is_op(node, "QLinearMatMul")) rewrite = match_q_linear_mat_mul(index, node);
    if (rewrite) rewrites.push_back(std::move(*rewrite));
  }
  if (!apply_rewrites(graph, std::move(rewrites))) return false;
  eliminate_dead_code(graph, OpRegistry::instance());
  return true;
}

}  // namespace xenc
