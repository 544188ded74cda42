// The in-memory graph: nodes in ONNX form (op type, domain, named inputs and
// outputs, attributes), initializers as Tensors, and the declared types of
// graph inputs and outputs. Values are referred to by name; an empty name is
// an omitted optional input or output, as in ONNX.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/tensor.h"
#include "graph/value_type.h"

namespace xenc {

struct Attribute {
  enum class Kind { kFloat, kInt, kString, kTensor, kFloats, kInts, kStrings, kOther };
  Kind kind = Kind::kOther;
  float f = 0;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
};

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;  // "" is the default ONNX domain
  int opset = 0;       // the model's imported version of `domain`
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::map<std::string, Attribute> attrs;

  const Attribute* find_attr(const std::string& key) const;
  bool has_attr(const std::string& key) const { return find_attr(key) != nullptr; }
  // Typed lookups with a default; a present attribute of the wrong kind is an Error.
  int64_t attr_int(const std::string& key, int64_t fallback) const;
  float attr_float(const std::string& key, float fallback) const;
  std::string attr_string(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const std::string& key, const std::vector<int64_t>& fallback = {}) const;
  std::vector<float> attr_floats(const std::string& key, const std::vector<float>& fallback = {}) const;
  const Tensor* attr_tensor(const std::string& key) const;

  bool has_input(size_t i) const { return i < inputs.size() && !inputs[i].empty(); }
  bool has_output(size_t i) const { return i < outputs.size() && !outputs[i].empty(); }
  // "Add node 'encoder/add_3' (domain 'ai.onnx', opset 14)" for error messages.
  std::string describe() const;
};

// Inside a catch block: rethrows the xenc Error in flight as a NodeError
// naming `node`, or as it is when it already names one.
[[noreturn]] void rethrow_at(const Node& node);

struct GraphValue {
  std::string name;
  ValueType type;
};

struct Graph {
  std::string name;
  std::vector<GraphValue> inputs;   // excludes names that have an initializer
  std::vector<GraphValue> outputs;
  std::vector<Node> nodes;
  std::map<std::string, Tensor> initializers;
  std::map<std::string, ValueType> value_types;  // declared value_info and inferred types
  std::map<std::string, int> opsets;             // domain -> imported version

  int opset(const std::string& domain) const;  // 0 when not imported
  bool is_initializer(const std::string& value) const { return initializers.count(value) != 0; }
};

}  // namespace xenc
