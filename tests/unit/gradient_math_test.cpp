// Backward rules of the activations, LayerNormalization, Softmax and
// LogSoftmax, the reductions, Gemm and the gathers against finite
// differences; the float path of LayerNormalization and Softmax against the
// double one, and LayerNormalization's parameter sums across thread counts.
#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>

#include "gradient_check.h"
#include "graph/shape_inference.h"
#include "graph_builders.h"
#include "ops/common/dispatch.h"
#include "ops/registry.h"
#include "trainer/backward.h"

namespace xenc::test {
namespace {

// Values with |x| in [0.1, 1), alternating in sign: far enough from 0 that
// the finite differences of Relu and Abs do not straddle the kink.
Tensor away_from_zero(Shape shape, uint32_t seed) {
  Tensor t = random_doubles(std::move(shape), seed, 0.1, 1.0);
  double* p = t.data<double>();
  for (int64_t i = 0; i < t.numel(); i += 2) p[i] = -p[i];
  return t;
}

TEST(Gradients, Activations) {
  for (const char* type : {"Erf", "Tanh", "Sigmoid", "Neg", "Exp"}) {
    SCOPED_TRACE(type);
    expect_gradients_match(op(type), {random_doubles({2, 3, 4}, 1, -2.0, 2.0)});
  }
}

TEST(Gradients, ActivationsWithAKink) {
  for (const char* type : {"Relu", "Abs"}) {
    SCOPED_TRACE(type);
    expect_gradients_match(op(type), {away_from_zero({3, 5}, 2)});
  }
}

TEST(Gradients, ActivationsOfPositiveInputs) {
  for (const char* type : {"Log", "Sqrt", "Reciprocal"}) {
    SCOPED_TRACE(type);
    expect_gradients_match(op(type), {random_doubles({3, 5}, 3, 0.5, 2.0)});
  }
}

TEST(Gradients, LayerNormalizationOverTheLastAxis) {
  expect_gradients_match(op("LayerNormalization"),
                         {random_doubles({2, 3, 8}, 1, -2.0, 2.0), random_doubles({8}, 2), random_doubles({8}, 3)});
  // Without B, and with the Mean and InvStdDev outputs (float: no gradient).
  expect_gradients_match(op("LayerNormalization"), {random_doubles({2, 3, 8}, 1, -2.0, 2.0), random_doubles({8}, 2)},
                         3);
}

TEST(Gradients, LayerNormalizationOverTrailingDims) {
  // axis 1 of rank 3: rows of 3 x 4, Scale broadcast along the 3.
  expect_gradients_match(op("LayerNormalization", {{"axis", int_attr(1)}}),
                         {random_doubles({2, 3, 4}, 1), random_doubles({4}, 2), random_doubles({3, 4}, 3)});
  expect_gradients_match(op("LayerNormalization", {{"axis", int_attr(-2)}}),
                         {random_doubles({2, 3, 4}, 1), random_doubles({3, 4}, 2)});
}

TEST(Gradients, LayerNormalizationWithALargeEpsilon) {
  // Epsilon comparable to the variance, so a rule that drops it is caught.
  expect_gradients_match(op("LayerNormalization", {{"epsilon", float_attr(0.25f)}}),
                         {random_doubles({4, 6}, 1, -0.5, 0.5), random_doubles({6}, 2), random_doubles({6}, 3)});
}

TEST(Gradients, SoftmaxAndLogSoftmax) {
  for (const char* type : {"Softmax", "LogSoftmax"}) {
    SCOPED_TRACE(type);
    expect_gradients_match(op(type), {random_doubles({2, 3, 5}, 1, -2.0, 2.0)});
    expect_gradients_match(op(type, {{"axis", int_attr(1)}}), {random_doubles({2, 3, 5}, 1, -2.0, 2.0)});
    expect_gradients_match(op(type, {{"axis", int_attr(0)}}), {random_doubles({2, 3, 5}, 1, -2.0, 2.0)});
    // Opset 11: coerced to [2, 15] at the default axis 1, and to [6, 5] at -1.
    expect_gradients_match(op(type, {}, 11), {random_doubles({2, 3, 5}, 1, -2.0, 2.0)});
    expect_gradients_match(op(type, {{"axis", int_attr(-1)}}, 11), {random_doubles({2, 3, 5}, 1, -2.0, 2.0)});
  }
}

TEST(Gradients, ReduceMeanWithAxesAttribute) {
  for (int64_t keepdims : {0, 1}) {
    SCOPED_TRACE(keepdims);
    expect_gradients_match(op("ReduceMean", {{"axes", ints_attr({0, 2})}, {"keepdims", int_attr(keepdims)}}, 13),
                           {random_doubles({2, 3, 4}, 1)});
    expect_gradients_match(op("ReduceMean", {{"axes", ints_attr({-1})}, {"keepdims", int_attr(keepdims)}}, 13),
                           {random_doubles({2, 3, 4}, 1)});
    expect_gradients_match(op("ReduceMean", {{"keepdims", int_attr(keepdims)}}, 13), {random_doubles({2, 3, 4}, 1)});
  }
}

TEST(Gradients, ReduceMeanWithAxesInput) {
  expect_gradients_match(op("ReduceMean", {{"keepdims", int_attr(0)}}, 18),
                         {random_doubles({2, 3, 4}, 1), int64_tensor({2}, {1, -1})});
  // No axes: all of them, or none with noop_with_empty_axes.
  expect_gradients_match(op("ReduceMean", {}, 18), {random_doubles({2, 3, 4}, 1)});
  expect_gradients_match(op("ReduceMean", {{"noop_with_empty_axes", int_attr(1)}}, 18),
                         {random_doubles({2, 3, 4}, 1), int64_tensor({0}, {})});
}

TEST(Gradients, ReduceSum) {
  expect_gradients_match(op("ReduceSum", {{"axes", ints_attr({1})}, {"keepdims", int_attr(0)}}, 11),
                         {random_doubles({2, 3, 4}, 1)});
  expect_gradients_match(op("ReduceSum", {}, 13), {random_doubles({2, 3, 4}, 1), int64_tensor({2}, {0, 2})});
  expect_gradients_match(op("ReduceSum", {{"keepdims", int_attr(0)}}, 13), {random_doubles({2, 3, 4}, 1)});
}

TEST(Gradients, GemmTransposes) {
  // op(A) is 3 x 4, op(B) 4 x 5.
  for (int64_t trans_a : {0, 1}) {
    for (int64_t trans_b : {0, 1}) {
      SCOPED_TRACE(testing::Message() << "transA " << trans_a << " transB " << trans_b);
      const Node node = op("Gemm", {{"transA", int_attr(trans_a)},
                                    {"transB", int_attr(trans_b)},
                                    {"alpha", float_attr(0.75f)},
                                    {"beta", float_attr(-1.5f)}});
      expect_gradients_match(node, {random_doubles(trans_a ? Shape{4, 3} : Shape{3, 4}, 1),
                                    random_doubles(trans_b ? Shape{5, 4} : Shape{4, 5}, 2), random_doubles({3, 5}, 3)});
    }
  }
}

TEST(Gradients, GemmBroadcastsC) {
  const Node node = op("Gemm", {{"beta", float_attr(0.5f)}});
  for (const Shape& c_shape : {Shape{5}, Shape{3, 1}, Shape{}, Shape{1, 5}}) {
    SCOPED_TRACE(shape_str(c_shape));
    expect_gradients_match(node, {random_doubles({3, 4}, 1), random_doubles({4, 5}, 2), random_doubles(c_shape, 3)});
  }
  expect_gradients_match(op("Gemm", {{"transB", int_attr(1)}}), {random_doubles({3, 4}, 1), random_doubles({5, 4}, 2)});
}

TEST(Gradients, GatherRowsOfATable) {
  const Tensor indices = int64_tensor({2, 3}, {0, 4, -1, 2, 0, -5});  // 4 and -1 the same row, 0 three times
  expect_gradients_match(op("Gather"), {random_doubles({5, 3}, 1), indices});
  // axis -3 is axis 0 of a rank-3 table: rows of 2 x 3.
  expect_gradients_match(op("Gather", {{"axis", int_attr(-3)}}), {random_doubles({5, 2, 3}, 1), indices});
}

TEST(Gradients, GatherGivesRowsInIndexOrder) {
  Node node = op("Gather");
  node.inputs = {"table", "ids"};
  node.outputs = {"y"};
  const Tensor table = random_doubles({5, 3}, 1);
  const Tensor indices = int64_tensor({2, 2}, {3, -1, 3, 0});
  const Tensor dy = random_doubles({2, 2, 3}, 2);
  const Tensor* inputs[] = {&table, &indices};
  const Tensor* outputs[] = {&dy};  // unused by the rule: only its shape matters
  const Tensor* output_grads[] = {&dy};
  const bool wanted[] = {true, false};
  const std::vector<Gradient> grads =
      find_gradient_rule("", "Gather")->backward(BackwardArgs{node, inputs, outputs, output_grads, wanted});
  ASSERT_TRUE(grads[0].is_rows());
  EXPECT_EQ(grads[0].by_rows.rows, (std::vector<int64_t>{3, 4, 3, 0}));
  ASSERT_EQ(grads[0].by_rows.values.shape(), (Shape{4, 3}));
  for (int64_t e = 0; e < dy.numel(); ++e)
    EXPECT_EQ(grads[0].by_rows.values.data<double>()[e], dy.data<double>()[e]) << e;
}

TEST(Gradients, GatherAlongInnerAxes) {
  expect_gradients_match(op("Gather", {{"axis", int_attr(1)}}),
                         {random_doubles({2, 4, 3}, 1), int64_tensor({3}, {1, -1, 1})});
  // Rank-3 indices along the last axis.
  expect_gradients_match(op("Gather", {{"axis", int_attr(2)}}),
                         {random_doubles({2, 3, 4}, 1), int64_tensor({2, 2, 2}, {0, 3, -1, 1, 2, 2, 0, -4})});
}

TEST(Gradients, GatherElements) {
  const Tensor indices = int64_tensor({2, 3}, {0, -1, 1, 2, 0, 2});
  expect_gradients_match(op("GatherElements"), {random_doubles({3, 3}, 1), indices});
  expect_gradients_match(op("GatherElements", {{"axis", int_attr(1)}}), {random_doubles({2, 4}, 1), indices});
}

// --- The float path against the double one, and thread-count determinism.

Tensor converted(const Tensor& t, DType dtype) {
  Tensor out(dtype, t.shape());
  dispatch_float(t.dtype(), [&](auto from) {
    dispatch_float(dtype, [&](auto to) {
      using From = typename decltype(from)::type;
      using To = typename decltype(to)::type;
      for (int64_t i = 0; i < t.numel(); ++i) out.data<To>()[i] = static_cast<To>(t.data<From>()[i]);
    });
  });
  return out;
}

// Runs `node` (one output, of input 0's shape) on its reference kernel, then
// its backward rule with output gradient `dy`, every input wanted.
std::vector<Gradient> forward_and_backward(const Node& node, const std::vector<Tensor>& inputs, const Tensor& dy) {
  std::vector<const Tensor*> in;
  for (const Tensor& t : inputs) in.push_back(&t);
  Tensor y(inputs[0].dtype(), inputs[0].shape());
  Tensor* out[] = {&y};
  resolve_op(node, OpRegistry::instance()).run(node, in, std::span<Tensor* const>(out));
  const Tensor* outputs[] = {&y};
  const Tensor* output_grads[] = {&dy};
  std::unique_ptr<bool[]> wanted(new bool[inputs.size()]);
  std::fill(wanted.get(), wanted.get() + inputs.size(), true);
  return find_gradient_rule("", node.op_type)
      ->backward(BackwardArgs{node, in, outputs, output_grads, std::span<const bool>(wanted.get(), inputs.size())});
}

// Runs the rule on the same (float-representable) values in float and in
// double; each float gradient is within 1e-5 of the double one, relative to
// the double gradient's largest element.
void expect_float_matches_double(Node node, const std::vector<Tensor>& doubles) {
  node.opset = 17;
  std::vector<Tensor> floats, exact;
  for (const Tensor& t : doubles) {
    floats.push_back(converted(t, DType::kFloat));
    exact.push_back(converted(floats.back(), DType::kDouble));
  }
  const Tensor dy = converted(converted(random_doubles(doubles[0].shape(), 7), DType::kFloat), DType::kDouble);
  const std::vector<Gradient> want = forward_and_backward(node, exact, dy);
  const std::vector<Gradient> got = forward_and_backward(node, floats, converted(dy, DType::kFloat));
  for (size_t i = 0; i < doubles.size(); ++i) {
    SCOPED_TRACE(testing::Message() << node.op_type << " input " << i);
    const Tensor& d = want[i].dense;
    const Tensor& f = got[i].dense;
    ASSERT_EQ(f.shape(), d.shape());
    double largest = 0;
    for (int64_t e = 0; e < d.numel(); ++e) largest = std::max(largest, std::abs(d.data<double>()[e]));
    for (int64_t e = 0; e < d.numel(); ++e)
      EXPECT_LE(std::abs(f.data<float>()[e] - d.data<double>()[e]), 1e-5 * largest) << "element " << e;
  }
}

TEST(Gradients, LayerNormalizationFloatMatchesDouble) {
  expect_float_matches_double(op("LayerNormalization"), {random_doubles({300, 96}, 1, -3.0, 5.0),
                                                         random_doubles({96}, 2, 0.5, 1.5), random_doubles({96}, 3)});
}

TEST(Gradients, SoftmaxFloatMatchesDouble) {
  expect_float_matches_double(op("Softmax"), {random_doubles({2, 4, 64, 64}, 1, -4.0, 4.0)});
  expect_float_matches_double(op("Softmax", {{"axis", int_attr(1)}}), {random_doubles({2, 16, 64}, 1, -4.0, 4.0)});
  expect_float_matches_double(op("LogSoftmax"), {random_doubles({32, 100}, 1, -4.0, 4.0)});
}

TEST(Gradients, LayerNormalizationParameterSumsDoNotDependOnThreads) {
  const Node node = op("LayerNormalization", {}, 17);
  const std::vector<Tensor> inputs = {converted(random_doubles({2048, 128}, 1, -2.0, 2.0), DType::kFloat),
                                      converted(random_doubles({128}, 2), DType::kFloat),
                                      converted(random_doubles({128}, 3), DType::kFloat)};
  const Tensor dy = converted(random_doubles({2048, 128}, 4), DType::kFloat);
  std::vector<Gradient> one, two;
  tbb::task_arena(1).execute([&] { one = forward_and_backward(node, inputs, dy); });
  tbb::task_arena(2).execute([&] { two = forward_and_backward(node, inputs, dy); });
  for (size_t i : {1, 2}) {
    SCOPED_TRACE(i == 1 ? "dScale" : "dB");
    ASSERT_EQ(one[i].dense.nbytes(), two[i].dense.nbytes());
    EXPECT_EQ(std::memcmp(one[i].dense.raw(), two[i].dense.raw(), one[i].dense.nbytes()), 0);
  }
}

}  // namespace
}  // namespace xenc::test
