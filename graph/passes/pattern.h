// What the fusion passes share: who produces and who reads each value,
// lookups of constants, and the safe application of matched rewrites.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/ir.h"

namespace xenc {

class GraphIndex {
 public:
  explicit GraphIndex(const Graph& graph);

  const Graph& graph() const { return graph_; }
  // The index of the node producing `value`; nullopt for graph inputs,
  // initializers and omitted values.
  std::optional<size_t> producer_index(const std::string& value) const;
  // Indices of the nodes reading `value`, each node once.
  std::span<const size_t> consumers(const std::string& value) const;
  bool is_graph_output(const std::string& value) const;

  // The node producing `value` when it is a default-domain `op_type`, else nullptr.
  const Node* producer(const std::string& value, std::string_view op_type) const;
  // The one node reading `value` when it is a default-domain `op_type` and
  // `value` is not also a graph output, else nullptr.
  const Node* sole_consumer(const std::string& value, std::string_view op_type) const;
  // The one node of type `op_type` among the readers of `value` (others may
  // read it too, like the Shape of a tensor being reshaped), else nullptr.
  const Node* consumer(const std::string& value, std::string_view op_type) const;
  size_t index_of(const Node& node) const { return static_cast<size_t>(&node - graph_.nodes.data()); }

 private:
  const Graph& graph_;
  std::map<std::string, size_t> producer_;
  std::map<std::string, std::vector<size_t>> consumers_;
  std::set<std::string> graph_outputs_;
};

// Whether `node` is `op_type` of the default domain.
bool is_op(const Node& node, std::string_view op_type);

Attribute int_attribute(int64_t value);
Attribute float_attribute(float value);

// The initializer behind `value`, or nullptr.
const Tensor* constant_of(const Graph& graph, const std::string& value);
// The value of a float or double constant holding one element.
std::optional<double> scalar_constant(const Graph& graph, const std::string& value);
// The elements of an integer constant.
std::optional<std::vector<int64_t>> int_constant(const Graph& graph, const std::string& value);
// The length of a 1-D float or double constant.
std::optional<int64_t> vector_constant_length(const Graph& graph, const std::string& value);
// Whether `value` is a one-element constant equal to `expected` within a
// relative 1e-6 (the float32 rounding of irrational constants like sqrt(2)).
bool is_scalar_near(const Graph& graph, const std::string& value, double expected);

// Of a two-input node with a one-element float constant operand (input 1
// tried first): the other operand and the constant.
struct ScalarOperand {
  std::string other;
  double value;
};
std::optional<ScalarOperand> scalar_operand(const Graph& graph, const Node& node);

// Of a two-input node reading `value`, the other input; nullopt when the
// node does not read `value` as one of exactly two inputs.
std::optional<std::string> other_operand(const Node& node, const std::string& value);
// The axes of a ReduceMean (attribute before opset 18, constant input from it).
std::optional<std::vector<int64_t>> reduce_axes(const Graph& graph, const Node& reduce);
// The axes of an Unsqueeze (attribute before opset 13, constant input from it).
std::optional<std::vector<int64_t>> unsqueeze_axes(const Graph& graph, const Node& unsqueeze);

// Whether `value` is element `axis` of the shape of `tensor` as a 1-element
// int64 vector, in the forms exporters write: Unsqueeze(Gather(Shape(tensor),
// axis), [0]) (nodes appended to `nodes`) or Shape(tensor, start=axis, end=axis+1).
bool is_shape_dim(const GraphIndex& index, const std::string& value, const std::string& tensor, int64_t axis,
                  std::vector<size_t>& nodes);

// A matched subgraph and the node that computes what it did.
struct Rewrite {
  std::vector<size_t> nodes;  // the matched nodes, all removed
  Node replacement;
  std::map<std::string, Tensor> initializers = {};  // new constants the replacement reads
};

// Applies each rewrite whose match is self-contained: every output of a
// removed node is either an output of the replacement or read only by other
// removed nodes (and is no graph output), and the replacement reads no value
// that only removed nodes produced. A rewrite sharing a node with an earlier
// one is skipped. The replacement takes the place of the last matched node,
// its initializers and domain join the graph, and the graph is re-sorted.
// Returns true when anything changed.
bool apply_rewrites(Graph& graph, std::vector<Rewrite> rewrites);

// A node of ONNX Runtime's contrib domain (com.microsoft, opset 1).
Node contrib_node(std::string op_type, std::vector<std::string> inputs, std::vector<std::string> outputs);
// A name for a fused node: the scope of the subgraph's last node plus the op
// type ("/bert/encoder/layer.0/attention/self/MultiHeadAttention").
std::string fused_name(const Node& last, const std::string& op_type);

}  // namespace xenc
