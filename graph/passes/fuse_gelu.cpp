// fuse_gelu: the exact GELU as exporters write it,
//   y = x * 0.5 * (1 + Erf(x / sqrt(2)))
// with x / sqrt(2) as Div(x, 1.4142...) or Mul(x, 0.7071...), and the three
// factors x, 0.5 and (1 + Erf) multiplied in any order and association
// (transformers writes (x * (1 + erf)) * 0.5), becomes com.microsoft Gelu(x).
// When x = Add(a, bias) with bias a 1-D float constant read only here, it
// becomes BiasGelu(a, bias), which adds the bias numpy-style as the Add did.
#include <algorithm>

#include "graph/passes/passes.h"
#include "graph/passes/pattern.h"

namespace xenc {

namespace {

constexpr double kSqrt2 = 1.41421356237309504880;

// Whether `value` is x / sqrt(2) in one of its two forms.
bool is_scaled_by_inverse_sqrt2(const GraphIndex& index, const std::string& value, const std::string& x,
                                std::vector<size_t>& nodes) {
  const Graph& graph = index.graph();
  if (const Node* div = index.producer(value, "Div")) {
    if (div->inputs.size() != 2 || div->inputs[0] != x || !is_scalar_near(graph, div->inputs[1], kSqrt2)) return false;
    nodes.push_back(index.index_of(*div));
    return true;
  }
  if (const Node* mul = index.producer(value, "Mul")) {
    const auto other = other_operand(*mul, x);
    if (!other || !is_scalar_near(graph, *other, 1.0 / kSqrt2)) return false;
    nodes.push_back(index.index_of(*mul));
    return true;
  }
  return false;
}

// The product x * 0.5 * one_plus_erf built from two Muls, one of which reads
// one_plus_erf; returns the outer Mul and appends both to `nodes`.
const Node* half_product(const GraphIndex& index, const std::string& one_plus_erf, std::string& x,
                         std::vector<size_t>& nodes) {
  const Graph& graph = index.graph();
  const auto is_half = [&](const std::string& v) { return scalar_constant(graph, v) == 0.5; };
  const Node* inner = index.sole_consumer(one_plus_erf, "Mul");
  const auto partner = inner ? other_operand(*inner, one_plus_erf) : std::nullopt;
  if (!partner) return nullptr;
  nodes.push_back(index.index_of(*inner));
  if (const Node* half_x = index.producer(*partner, "Mul"); half_x && !is_half(*partner)) {
    // (0.5 * x) * (1 + erf): the partner is the product of x and 0.5.
    for (size_t side = 0; side < 2 && half_x->inputs.size() == 2; ++side) {
      if (!is_half(half_x->inputs[1 - side])) continue;
      x = half_x->inputs[side];
      nodes.push_back(index.index_of(*half_x));
      return inner;
    }
  }
  // (x * (1 + erf)) * 0.5 or (0.5 * (1 + erf)) * x: the outer Mul brings the missing factor.
  const Node* outer = index.sole_consumer(inner->outputs[0], "Mul");
  const auto last = outer ? other_operand(*outer, inner->outputs[0]) : std::nullopt;
  if (!last) return nullptr;
  if (is_half(*last) == is_half(*partner)) return nullptr;
  x = is_half(*last) ? *partner : *last;
  nodes.push_back(index.index_of(*outer));
  return outer;
}

std::optional<Rewrite> match(const GraphIndex& index, const Node& erf) {
  const Graph& graph = index.graph();
  std::vector<size_t> nodes = {index.index_of(erf)};
  const Node* add_one = index.sole_consumer(erf.outputs[0], "Add");
  const auto one = add_one ? other_operand(*add_one, erf.outputs[0]) : std::nullopt;
  if (!one || scalar_constant(graph, *one) != 1.0) return std::nullopt;
  nodes.push_back(index.index_of(*add_one));
  std::string x;
  const Node* last = half_product(index, add_one->outputs[0], x, nodes);
  if (!last || !is_scaled_by_inverse_sqrt2(index, erf.inputs[0], x, nodes)) return std::nullopt;

  // A bias Add that feeds only this GELU folds into BiasGelu.
  std::vector<std::string> inputs = {x};
  bool x_read_only_here = !index.is_graph_output(x);
  for (size_t reader : index.consumers(x))
    x_read_only_here = x_read_only_here && std::find(nodes.begin(), nodes.end(), reader) != nodes.end();
  if (const Node* add = index.producer(x, "Add"); add && x_read_only_here) {
    for (size_t side = 0; side < 2 && add->inputs.size() == 2 && inputs.size() == 1; ++side) {
      if (!vector_constant_length(graph, add->inputs[1 - side])) continue;
      inputs = {add->inputs[side], add->inputs[1 - side]};
      nodes.push_back(index.index_of(*add));
    }
  }
  const std::string op = inputs.size() == 2 ? "BiasGelu" : "Gelu";
  Node gelu = contrib_node(op, std::move(inputs), last->outputs);
  gelu.name = fused_name(*last, op);
  return Rewrite{std::move(nodes), std::move(gelu)};
}

}  // namespace

bool fuse_gelu(Graph& graph, const OpResolver&) {
  const GraphIndex index(graph);
  std::vector<Rewrite> rewrites;
  for (const Node& node : graph.nodes)
    if (is_op(node, "Erf"))
      if (auto rewrite = match(index, node)) rewrites.push_back(std::move(*rewrite));
  return apply_rewrites(graph, std::move(rewrites));
}

}  // namespace xenc
