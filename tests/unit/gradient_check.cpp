#include "gradient_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "graph/shape_inference.h"
#include "ops/registry.h"
#include "trainer/backward.h"

namespace xenc::test {
namespace {

std::vector<Tensor> run_reference(const Node& node, const std::vector<Tensor>& inputs) {
  const OpSchema& op = resolve_op(node, OpRegistry::instance());
  std::vector<ShapeInput> shape_inputs;
  std::vector<const Tensor*> in;
  for (const Tensor& t : inputs) {
    shape_inputs.push_back(ShapeInput{!t.empty_handle(), ValueType{t.dtype(), to_sym_shape(t.shape())}, &t});
    in.push_back(t.empty_handle() ? nullptr : &t);
  }
  const std::vector<ValueType> types = infer_node(node, op, shape_inputs);
  std::vector<Tensor> outputs;
  for (const ValueType& type : types) outputs.emplace_back(type.dtype, *to_concrete(*type.shape));
  std::vector<Tensor*> out;
  for (Tensor& t : outputs) out.push_back(&t);
  op.run(node, in, out);
  return outputs;
}

double weighted_sum(const std::vector<Tensor>& outputs, const std::vector<Tensor>& weights) {
  double loss = 0;
  for (size_t o = 0; o < outputs.size(); ++o) {
    if (outputs[o].dtype() != DType::kDouble) continue;
    const double* y = outputs[o].data<double>();
    const double* w = weights[o].data<double>();
    for (int64_t e = 0; e < outputs[o].numel(); ++e) loss += y[e] * w[e];
  }
  return loss;
}

// A row gradient added up into the table's shape.
Tensor densify(const Gradient& g, const Shape& shape) {
  if (!g.is_rows()) return g.dense;
  Tensor dense(DType::kDouble, shape);
  const int64_t width = g.by_rows.values.numel() / std::max<int64_t>(1, static_cast<int64_t>(g.by_rows.rows.size()));
  const double* v = g.by_rows.values.data<double>();
  for (size_t r = 0; r < g.by_rows.rows.size(); ++r)
    for (int64_t j = 0; j < width; ++j)
      dense.data<double>()[g.by_rows.rows[r] * width + j] += v[static_cast<int64_t>(r) * width + j];
  return dense;
}

}  // namespace

Tensor random_doubles(Shape shape, uint32_t seed, double lo, double hi) {
  Tensor t(DType::kDouble, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<double>()[i] = dist(rng);
  return t;
}

void expect_gradients_match(Node node, const std::vector<Tensor>& inputs, size_t output_count, double tolerance) {
  if (node.opset == 0) node.opset = 17;
  node.inputs.assign(inputs.size(), "");
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i].empty_handle()) node.inputs[i] = std::string("x").append(std::to_string(i));
  node.outputs.assign(output_count, "");
  for (size_t o = 0; o < output_count; ++o) node.outputs[o] = std::string("y").append(std::to_string(o));
  const GradientRule* rule = find_gradient_rule(node.domain, node.op_type);
  ASSERT_NE(rule, nullptr) << "no backward rule for " << node.op_type;

  const std::vector<Tensor> outputs = run_reference(node, inputs);
  std::vector<Tensor> weights;
  for (size_t o = 0; o < outputs.size(); ++o) weights.push_back(random_doubles(outputs[o].shape(), 1000 + static_cast<uint32_t>(o)));

  std::vector<const Tensor*> in, out, out_grads;
  for (const Tensor& t : inputs) in.push_back(t.empty_handle() ? nullptr : &t);
  for (size_t o = 0; o < outputs.size(); ++o) {
    out.push_back(&outputs[o]);
    out_grads.push_back(outputs[o].dtype() == DType::kDouble ? &weights[o] : nullptr);
  }
  std::unique_ptr<bool[]> wanted(new bool[inputs.size()]);
  size_t checked = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    wanted[i] = (rule->differentiable_inputs >> i & 1) && inputs[i].dtype() == DType::kDouble;
    checked += wanted[i];
  }
  ASSERT_GT(checked, 0u) << node.op_type << ": no input to check";
  const std::vector<Gradient> grads =
      rule->backward(BackwardArgs{node, in, out, out_grads, std::span<const bool>(wanted.get(), inputs.size())});
  ASSERT_EQ(grads.size(), inputs.size()) << node.op_type;

  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!wanted[i]) continue;
    ASSERT_TRUE(grads[i].present()) << node.op_type << ": no gradient for input " << i;
    const Tensor analytic = densify(grads[i], inputs[i].shape());
    ASSERT_EQ(analytic.shape(), inputs[i].shape()) << node.op_type << ": gradient of input " << i;
    std::vector<Tensor> nudged = inputs;
    nudged[i] = inputs[i].clone();
    double* x = nudged[i].data<double>();
    for (int64_t e = 0; e < inputs[i].numel(); ++e) {
      const double saved = x[e];
      const double h = 1e-6 * std::max(1.0, std::abs(saved));
      x[e] = saved + h;
      const double up = weighted_sum(run_reference(node, nudged), weights);
      x[e] = saved - h;
      const double down = weighted_sum(run_reference(node, nudged), weights);
      x[e] = saved;
      const double numeric = (up - down) / (2 * h);
      const double got = analytic.data<double>()[e];
      EXPECT_LE(std::abs(got - numeric), tolerance * std::max(1.0, std::abs(numeric)))
          << node.op_type << ": input " << i << " element " << e << ": analytic " << got << ", numeric " << numeric;
    }
  }
}

}  // namespace xenc::test
