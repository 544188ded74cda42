// Builds an IR Graph node by node with the names torch.onnx gives: a node of
// op type T in the module scope S ("/bert/encoder/layer.0/attention/self")
// is "S/T", then "S/T_1", "S/T_2", ..., and its one output is
// "<node name>_output_0". Every intermediate thus has a stable name that
// also appears in a torch.onnx export of the same model, so the two can be
// compared value by value (STYLE 11).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/ir.h"

namespace xenc {

// An INTS attribute (int_attribute and float_attribute are in graph/passes/pattern.h).
Attribute ints_attribute(std::vector<int64_t> values);

class GraphBuilder {
 public:
  // Nodes are in the default domain at `opset`.
  explicit GraphBuilder(int opset);

  void add_input(const std::string& name, ValueType type);
  void add_output(const std::string& name, ValueType type);

  // Appends a node with one output and returns the output's name:
  // `output` when given, else the torch.onnx-style name above.
  std::string add_node(const std::string& scope, const std::string& op_type, std::vector<std::string> inputs,
                       std::map<std::string, Attribute> attrs = {}, const std::string& output = "");

  // Adds an initializer and returns its name; a name used twice is an Error.
  std::string add_initializer(const std::string& name, Tensor value);
  // Shared constants: created on first use, reused by name afterwards (the
  // same name must always carry the same value).
  std::string float_scalar(const std::string& name, float value);
  std::string int64_scalar(const std::string& name, int64_t value);
  std::string int64_vector(const std::string& name, const std::vector<int64_t>& values);

  Graph finish() &&;

 private:
  std::string shared_constant(const std::string& name, Tensor value);

  Graph graph_;
  int opset_;
  std::map<std::string, int> node_counts_;  // node name stem -> nodes so named
};

}  // namespace xenc
