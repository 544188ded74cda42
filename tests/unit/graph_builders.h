// Small builders for hand-made graphs and an error-message matcher, shared
// by the unit tests of graph/ and runtime/.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "graph/ir.h"

namespace xenc::test {

inline Tensor float_tensor(Shape shape, const std::vector<float>& values) {
  Tensor t(DType::kFloat, std::move(shape));
  EXPECT_EQ(static_cast<size_t>(t.numel()), values.size());
  if (!values.empty()) std::memcpy(t.raw(), values.data(), values.size() * sizeof(float));
  return t;
}

inline Tensor int64_tensor(Shape shape, const std::vector<int64_t>& values) {
  Tensor t(DType::kInt64, std::move(shape));
  EXPECT_EQ(static_cast<size_t>(t.numel()), values.size());
  if (!values.empty()) std::memcpy(t.raw(), values.data(), values.size() * sizeof(int64_t));
  return t;
}

inline std::vector<float> float_values(const Tensor& t) {
  const float* p = t.data<float>();
  return std::vector<float>(p, p + t.numel());
}

inline Attribute int_attr(int64_t v) {
  Attribute a;
  a.kind = Attribute::Kind::kInt;
  a.i = v;
  return a;
}

inline Attribute float_attr(float v) {
  Attribute a;
  a.kind = Attribute::Kind::kFloat;
  a.f = v;
  return a;
}

inline Attribute string_attr(std::string v) {
  Attribute a;
  a.kind = Attribute::Kind::kString;
  a.s = std::move(v);
  return a;
}

inline Attribute ints_attr(std::vector<int64_t> v) {
  Attribute a;
  a.kind = Attribute::Kind::kInts;
  a.ints = std::move(v);
  return a;
}

inline Attribute floats_attr(std::vector<float> v) {
  Attribute a;
  a.kind = Attribute::Kind::kFloats;
  a.floats = std::move(v);
  return a;
}

inline Attribute tensor_attr(Tensor t) {
  Attribute a;
  a.kind = Attribute::Kind::kTensor;
  a.t = std::move(t);
  return a;
}

// A default-domain node at `opset`.
inline Node make_node(std::string op_type, std::string name, std::vector<std::string> inputs,
                      std::vector<std::string> outputs, std::map<std::string, Attribute> attrs = {},
                      int opset = 13) {
  Node n;
  n.op_type = std::move(op_type);
  n.name = std::move(name);
  n.opset = opset;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attrs = std::move(attrs);
  return n;
}

// A graph importing `opset` of the default domain.
inline Graph make_graph(int opset = 13) {
  Graph g;
  g.name = "test";
  g.opsets[""] = opset;
  return g;
}

inline void add_input(Graph& g, const std::string& name, DType dtype, SymShape shape) {
  const ValueType t{dtype, std::move(shape)};
  g.inputs.push_back({name, t});
  g.value_types[name] = t;
}

inline void add_output(Graph& g, const std::string& name) { g.outputs.push_back({name, ValueType{}}); }

// The message of the `E` that `f` throws; a test failure when it throws nothing.
template <class E = Error, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception, none was thrown";
  return {};
}

inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not found in: " << text;
}

}  // namespace xenc::test
