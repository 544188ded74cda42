// What the graph layer needs to know about an operator: a shape function
// (used by load-time shape inference with symbolic dims, and at run time
// with concrete shapes and values) and a kernel. The ops/ layer provides
// the table; graph/ and runtime/ look schemas up through OpResolver.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "graph/tensor.h"
#include "graph/value_type.h"

namespace xenc {

struct ShapeInput {
  bool present = false;          // false for an omitted optional input
  ValueType type;                 // dtype and (possibly symbolic) shape
  const Tensor* value = nullptr;  // the data when known (initializer, constant, or at run time)
};

// Returns one ValueType per node output (omitted outputs included, any type).
// Throws Error on invalid inputs or attributes; the caller adds the node's name.
using ShapeFn = std::vector<ValueType> (*)(const Node& node, std::span<const ShapeInput> inputs);

// Computes outputs, already allocated with the shapes the ShapeFn returned.
// Omitted optional inputs and outputs are nullptr. Runs only after the
// ShapeFn accepted the same inputs, so it may assume what that validated.
using KernelFn = void (*)(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs);

struct OpSchema {
  const char* domain;   // "" for the default ONNX domain
  const char* op_type;
  int since_opset;      // oldest opset of `domain` the implementation covers
  ShapeFn infer;
  KernelFn run;             // the reference kernel: simple and obviously right
  KernelFn fast = nullptr;  // an optimized kernel (ops/x86/), used unless a session asks for the reference
};

class OpResolver {
 public:
  virtual ~OpResolver() = default;
  // nullptr when (domain, op_type) is unknown or `opset` is outside what is supported.
  virtual const OpSchema* find(const std::string& domain, const std::string& op_type, int opset) const = 0;
};

}  // namespace xenc
