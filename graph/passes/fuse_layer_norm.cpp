// fuse_layer_norm: the layer norm that torch exports below opset 17 write
// out op by op,
//   mean = ReduceMean(x, axes=[-1])        d = Sub(x, mean)
//   var  = ReduceMean(Pow(d, 2) or Mul(d, d), axes=[-1])
//   y    = Add(Mul(Div(d, Sqrt(Add(var, epsilon))), gamma), beta)
// becomes LayerNormalization(x, gamma, beta, axis=-1, epsilon). Both means
// keep the reduced dim (keepdims=1), so the result has x's shape; gamma and
// beta are 1-D float constants, which then broadcast over the last axis
// exactly as the Mul and Add did. Commuted operands of Add and Mul match too.
#include "graph/passes/passes.h"
#include "graph/passes/pattern.h"

namespace xenc {

namespace {

// ReduceMean over the last axis keeping it.
bool is_last_axis_mean(const Graph& graph, const Node* node) {
  return node && node->attr_int("keepdims", 1) == 1 && reduce_axes(graph, *node) == std::vector<int64_t>{-1};
}

bool is_float_vector(const Graph& graph, const std::string& value) {
  return vector_constant_length(graph, value).has_value();
}

std::optional<Rewrite> match(const GraphIndex& index, const Node& div) {
  const Graph& graph = index.graph();
  std::vector<size_t> nodes = {index.index_of(div)};
  const auto take = [&](const Node* node) {
    if (node) nodes.push_back(index.index_of(*node));
    return node;
  };
  if (div.inputs.size() != 2) return std::nullopt;
  const std::string& centered = div.inputs[0];
  // The denominator: Sqrt(Add(variance, epsilon)).
  const Node* sqrt = take(index.producer(div.inputs[1], "Sqrt"));
  const Node* add_eps = sqrt ? take(index.producer(sqrt->inputs[0], "Add")) : nullptr;
  if (!add_eps) return std::nullopt;
  const auto epsilon = scalar_operand(graph, *add_eps);
  const Node* variance = epsilon ? take(index.producer(epsilon->other, "ReduceMean")) : nullptr;
  if (!is_last_axis_mean(graph, variance)) return std::nullopt;
  // The squares: Pow(d, 2) or Mul(d, d).
  const Node* pow = index.producer(variance->inputs[0], "Pow");
  const Node* mul_self = index.producer(variance->inputs[0], "Mul");
  if (pow && !(pow->inputs[0] == centered && scalar_constant(graph, pow->inputs[1]) == 2.0)) return std::nullopt;
  if (!pow && !(mul_self && mul_self->inputs.size() == 2 && mul_self->inputs[0] == centered &&
                mul_self->inputs[1] == centered))
    return std::nullopt;
  take(pow ? pow : mul_self);
  // d = Sub(x, ReduceMean(x)).
  const Node* sub = take(index.producer(centered, "Sub"));
  const Node* mean = sub ? take(index.producer(sub->inputs[1], "ReduceMean")) : nullptr;
  if (!is_last_axis_mean(graph, mean) || mean->inputs[0] != sub->inputs[0]) return std::nullopt;
  const std::string& x = sub->inputs[0];
  // y = Add(Mul(normalized, gamma), beta).
  const Node* scale = take(index.sole_consumer(div.outputs[0], "Mul"));
  const auto gamma = scale ? other_operand(*scale, div.outputs[0]) : std::nullopt;
  const Node* shift = scale ? take(index.sole_consumer(scale->outputs[0], "Add")) : nullptr;
  const auto beta = shift ? other_operand(*shift, scale->outputs[0]) : std::nullopt;
  if (!gamma || !beta || !is_float_vector(graph, *gamma) || !is_float_vector(graph, *beta)) return std::nullopt;

  Node norm;
  norm.op_type = "LayerNormalization";
  norm.name = fused_name(*shift, "LayerNormalization");
  // LayerNormalization is accepted at every default-domain opset.
  norm.opset = graph.opset("");
  norm.inputs = {x, *gamma, *beta};
  norm.outputs = {shift->outputs[0]};
  norm.attrs = {{"axis", int_attribute(-1)}, {"epsilon", float_attribute(static_cast<float>(epsilon->value))}};
  return Rewrite{std::move(nodes), std::move(norm)};
}

}  // namespace

bool fuse_layer_norm(Graph& graph, const OpResolver&) {
  const GraphIndex index(graph);
  std::vector<Rewrite> rewrites;
  for (const Node& node : graph.nodes) {
    if (!is_op(node, "Div")) continue;
    if (auto rewrite = match(index, node)) rewrites.push_back(std::move(*rewrite));
  }
  return apply_rewrites(graph, std::move(rewrites));
}

}  // namespace xenc
