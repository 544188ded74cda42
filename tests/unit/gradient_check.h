// Checks a backward rule against central finite differences in double
// precision: the node runs on its reference kernel, the loss is a fixed
// random weighting of its float outputs, and every wanted input element is
// nudged both ways.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "graph/ir.h"
#include "graph/tensor.h"

namespace xenc::test {

// A node to check: op type, attributes and opset (0: expect_gradients_match's default).
inline Node op(const char* type, std::map<std::string, Attribute> attrs = {}, int opset = 0) {
  Node n;
  n.op_type = type;
  n.attrs = std::move(attrs);
  n.opset = opset;
  return n;
}

// Values in [lo, hi), a fixed sequence for each seed.
Tensor random_doubles(Shape shape, uint32_t seed, double lo = -1.0, double hi = 1.0);

// `node` needs op_type, domain, opset (0: 17) and attributes; inputs and
// outputs are named here (`output_count` outputs). Inputs of dtype double
// whose rule marks them differentiable are checked; others (indices, shapes)
// are fed as given. Fails the test, naming the op, input and element, when
// |analytic - numeric| > tolerance * max(1, |numeric|).
void expect_gradients_match(Node node, const std::vector<Tensor>& inputs, size_t output_count = 1,
                            double tolerance = 1e-6);

}  // namespace xenc::test
