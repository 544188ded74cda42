#include "graph/passes/pattern.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "graph/topo_sort.h"

namespace xenc {

GraphIndex::GraphIndex(const Graph& graph) : graph_(graph) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    for (const std::string& out : node.outputs)
      if (!out.empty()) producer_[out] = i;
    for (const std::string& in : node.inputs) {
      if (in.empty()) continue;
      std::vector<size_t>& readers = consumers_[in];
      if (readers.empty() || readers.back() != i) readers.push_back(i);
    }
  }
  for (const auto& out : graph.outputs) graph_outputs_.insert(out.name);
}

std::optional<size_t> GraphIndex::producer_index(const std::string& value) const {
  const auto it = producer_.find(value);
  if (it == producer_.end()) return std::nullopt;
  return it->second;
}

std::span<const size_t> GraphIndex::consumers(const std::string& value) const {
  const auto it = consumers_.find(value);
  if (it == consumers_.end()) return {};
  return it->second;
}

bool GraphIndex::is_graph_output(const std::string& value) const { return graph_outputs_.count(value) != 0; }

const Node* GraphIndex::producer(const std::string& value, std::string_view op_type) const {
  const auto i = producer_index(value);
  return i && is_op(graph_.nodes[*i], op_type) ? &graph_.nodes[*i] : nullptr;
}

const Node* GraphIndex::sole_consumer(const std::string& value, std::string_view op_type) const {
  const std::span<const size_t> readers = consumers(value);
  if (readers.size() != 1 || is_graph_output(value)) return nullptr;
  return is_op(graph_.nodes[readers[0]], op_type) ? &graph_.nodes[readers[0]] : nullptr;
}

const Node* GraphIndex::consumer(const std::string& value, std::string_view op_type) const {
  const Node* found = nullptr;
  for (size_t reader : consumers(value)) {
    if (!is_op(graph_.nodes[reader], op_type)) continue;
    if (found) return nullptr;
    found = &graph_.nodes[reader];
  }
  return found;
}

bool is_op(const Node& node, std::string_view op_type) {
  return (node.domain.empty() || node.domain == "ai.onnx") && node.op_type == op_type;
}

Attribute int_attribute(int64_t value) {
  Attribute a;
  a.kind = Attribute::Kind::kInt;
  a.i = value;
  return a;
}

Attribute float_attribute(float value) {
  Attribute a;
  a.kind = Attribute::Kind::kFloat;
  a.f = value;
  return a;
}

const Tensor* constant_of(const Graph& graph, const std::string& value) {
  const auto it = graph.initializers.find(value);
  return it == graph.initializers.end() ? nullptr : &it->second;
}

std::optional<double> scalar_constant(const Graph& graph, const std::string& value) {
  const Tensor* t = constant_of(graph, value);
  if (!t || t->numel() != 1) return std::nullopt;
  if (t->dtype() == DType::kFloat) return t->data<float>()[0];
  if (t->dtype() == DType::kDouble) return t->data<double>()[0];
  return std::nullopt;
}

std::optional<std::vector<int64_t>> int_constant(const Graph& graph, const std::string& value) {
  const Tensor* t = constant_of(graph, value);
  if (!t || (t->dtype() != DType::kInt64 && t->dtype() != DType::kInt32)) return std::nullopt;
  return t->to_int64_vector();
}

std::optional<int64_t> vector_constant_length(const Graph& graph, const std::string& value) {
  const Tensor* t = constant_of(graph, value);
  if (!t || t->rank() != 1 || (t->dtype() != DType::kFloat && t->dtype() != DType::kDouble)) return std::nullopt;
  return t->dim(0);
}

bool is_scalar_near(const Graph& graph, const std::string& value, double expected) {
  const auto v = scalar_constant(graph, value);
  return v && std::abs(*v - expected) <= 1e-6 * std::abs(expected);
}

std::optional<ScalarOperand> scalar_operand(const Graph& graph, const Node& node) {
  if (node.inputs.size() != 2) return std::nullopt;
  for (size_t constant = 2; constant-- > 0;)
    if (const auto value = scalar_constant(graph, node.inputs[constant]))
      return ScalarOperand{node.inputs[1 - constant], *value};
  return std::nullopt;
}

std::optional<std::string> other_operand(const Node& node, const std::string& value) {
  if (node.inputs.size() != 2) return std::nullopt;
  if (node.inputs[0] == value) return node.inputs[1];
  if (node.inputs[1] == value) return node.inputs[0];
  return std::nullopt;
}

namespace {

// An int-list argument that moved from an attribute to input 1 at `input_since`.
std::optional<std::vector<int64_t>> attr_or_input_ints(const Graph& graph, const Node& node, const char* name,
                                                       int input_since) {
  if (node.opset < input_since) {
    if (!node.has_attr(name)) return std::nullopt;
    return node.attr_ints(name);
  }
  if (!node.has_input(1)) return std::nullopt;
  return int_constant(graph, node.inputs[1]);
}

}  // namespace

std::optional<std::vector<int64_t>> reduce_axes(const Graph& graph, const Node& reduce) {
  return attr_or_input_ints(graph, reduce, "axes", 18);
}

std::optional<std::vector<int64_t>> unsqueeze_axes(const Graph& graph, const Node& unsqueeze) {
  return attr_or_input_ints(graph, unsqueeze, "axes", 13);
}

bool is_shape_dim(const GraphIndex& index, const std::string& value, const std::string& tensor, int64_t axis,
                  std::vector<size_t>& nodes) {
  const Graph& graph = index.graph();
  // Shape(tensor), the whole shape.
  const auto is_shape_of_tensor = [&](const std::string& shape) {
    const Node* s = index.producer(shape, "Shape");
    if (!s || s->inputs.size() != 1 || s->inputs[0] != tensor || s->has_attr("start") || s->has_attr("end"))
      return false;
    nodes.push_back(index.index_of(*s));
    return true;
  };
  // Gather(Shape(tensor), axis) with the index a constant of rank `index_rank`.
  const auto gathers_axis = [&](const Node* g, int64_t index_rank) {
    if (!g || g->inputs.size() != 2 || g->attr_int("axis", 0) != 0) return false;
    const Tensor* indices = constant_of(graph, g->inputs[1]);
    if (!indices || indices->rank() != index_rank || indices->numel() != 1 || indices->int_at(0) != axis) return false;
    nodes.push_back(index.index_of(*g));
    return is_shape_of_tensor(g->inputs[0]);
  };
  if (const Node* u = index.producer(value, "Unsqueeze")) {
    if (unsqueeze_axes(graph, *u) != std::vector<int64_t>{0}) return false;
    nodes.push_back(index.index_of(*u));
    return gathers_axis(index.producer(u->inputs[0], "Gather"), 0);
  }
  if (const Node* g = index.producer(value, "Gather")) return gathers_axis(g, 1);
  if (const Node* s = index.producer(value, "Shape")) {
    if (s->inputs.size() != 1 || s->inputs[0] != tensor || s->attr_int("start", 0) != axis || !s->has_attr("end") ||
        s->attr_int("end", 0) != axis + 1)
      return false;
    nodes.push_back(index.index_of(*s));
    return true;
  }
  return false;
}

bool apply_rewrites(Graph& graph, std::vector<Rewrite> rewrites) {
  const GraphIndex index(graph);
  std::vector<bool> claimed(graph.nodes.size(), false);
  // Per node index: the replacement to put there, or none.
  std::map<size_t, Node> placed;
  for (Rewrite& rewrite : rewrites) {
    std::set<size_t> removed(rewrite.nodes.begin(), rewrite.nodes.end());
    bool ok = !removed.empty();
    for (size_t i : removed) ok = ok && !claimed[i];
    const std::set<std::string> kept_outputs(rewrite.replacement.outputs.begin(), rewrite.replacement.outputs.end());
    std::set<std::string> dropped;  // values only removed nodes produced
    for (size_t i : removed) {
      for (const std::string& out : graph.nodes[i].outputs) {
        if (out.empty() || kept_outputs.count(out)) continue;
        dropped.insert(out);
        if (index.is_graph_output(out)) ok = false;
        for (size_t reader : index.consumers(out)) ok = ok && removed.count(reader) != 0;
      }
    }
    for (const std::string& in : rewrite.replacement.inputs) ok = ok && !dropped.count(in);
    if (!ok) continue;
    for (size_t i : removed) claimed[i] = true;
    const Node& replacement = rewrite.replacement;
    if (!replacement.domain.empty()) graph.opsets.try_emplace(replacement.domain, replacement.opset);
    for (auto& [name, value] : rewrite.initializers) graph.initializers.insert_or_assign(name, std::move(value));
    placed.emplace(*removed.rbegin(), std::move(rewrite.replacement));
  }
  if (placed.empty()) return false;
  std::vector<Node> nodes;
  nodes.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (const auto it = placed.find(i); it != placed.end())
      nodes.push_back(std::move(it->second));
    else if (!claimed[i])
      nodes.push_back(std::move(graph.nodes[i]));
  }
  graph.nodes = std::move(nodes);
  // A replacement may also provide a value (like SkipLayerNormalization's
  // sum) that nodes before its position read.
  topo_sort(graph);
  return true;
}

Node contrib_node(std::string op_type, std::vector<std::string> inputs, std::vector<std::string> outputs) {
  Node node;
  node.op_type = std::move(op_type);
  node.domain = "com.microsoft";
  node.opset = 1;
  node.inputs = std::move(inputs);
  node.outputs = std::move(outputs);
  return node;
}

std::string fused_name(const Node& last, const std::string& op_type) {
  const size_t slash = last.name.rfind('/');
  return (slash == std::string::npos ? std::string() : last.name.substr(0, slash + 1)) + op_type;
}

}  // namespace xenc
