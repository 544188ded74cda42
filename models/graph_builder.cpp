#include "models/graph_builder.h"

#include <algorithm>
#include <cstring>

#include "graph/error.h"

namespace xenc {

Attribute ints_attribute(std::vector<int64_t> values) {
  Attribute a;
  a.kind = Attribute::Kind::kInts;
  a.ints = std::move(values);
  return a;
}

GraphBuilder::GraphBuilder(int opset) : opset_(opset) { graph_.opsets[""] = opset; }

void GraphBuilder::add_input(const std::string& name, ValueType type) {
  graph_.value_types[name] = type;
  graph_.inputs.push_back(GraphValue{name, std::move(type)});
}

void GraphBuilder::add_output(const std::string& name, ValueType type) {
  graph_.outputs.push_back(GraphValue{name, std::move(type)});
}

std::string GraphBuilder::add_node(const std::string& scope, const std::string& op_type,
                                   std::vector<std::string> inputs, std::map<std::string, Attribute> attrs,
                                   const std::string& output) {
  const std::string stem = scope + "/" + op_type;
  const int count = node_counts_[stem]++;
  Node node;
  node.name = count == 0 ? stem : stem + "_" + std::to_string(count);
  node.op_type = op_type;
  node.opset = opset_;
  node.inputs = std::move(inputs);
  node.outputs = {output.empty() ? node.name + "_output_0" : output};
  node.attrs = std::move(attrs);
  graph_.nodes.push_back(std::move(node));
  return graph_.nodes.back().outputs[0];
}

std::string GraphBuilder::add_initializer(const std::string& name, Tensor value) {
  if (!graph_.initializers.emplace(name, std::move(value)).second)
    throw Error("graph builder: initializer '" + name + "' added twice");
  return name;
}

std::string GraphBuilder::shared_constant(const std::string& name, Tensor value) {
  const auto it = graph_.initializers.find(name);
  if (it == graph_.initializers.end()) return add_initializer(name, std::move(value));
  const Tensor& existing = it->second;
  if (existing.dtype() != value.dtype() || existing.shape() != value.shape() ||
      std::memcmp(existing.raw(), value.raw(), value.nbytes()) != 0)
    throw Error("graph builder: constant '" + name + "' reused with another value");
  return name;
}

std::string GraphBuilder::float_scalar(const std::string& name, float value) {
  Tensor t(DType::kFloat, {});
  *t.data<float>() = value;
  return shared_constant(name, std::move(t));
}

std::string GraphBuilder::int64_scalar(const std::string& name, int64_t value) {
  Tensor t(DType::kInt64, {});
  *t.data<int64_t>() = value;
  return shared_constant(name, std::move(t));
}

std::string GraphBuilder::int64_vector(const std::string& name, const std::vector<int64_t>& values) {
  Tensor t(DType::kInt64, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.data<int64_t>());
  return shared_constant(name, std::move(t));
}

Graph GraphBuilder::finish() && { return std::move(graph_); }

}  // namespace xenc
