// Backward rules of the ops that move data without arithmetic (shape edits,
// Transpose, Slice, Concat, Split, Where, Tile, Expand, Cast, Dropout)
// against finite differences, plus the cases the difference check cannot
// see: float tensors and absent output gradients.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "gradient_check.h"
#include "graph_builders.h"
#include "trainer/backward.h"

namespace xenc::test {
namespace {

Tensor bool_tensor(Shape shape, const std::vector<bool>& values) {
  Tensor t(DType::kBool, std::move(shape));
  EXPECT_EQ(static_cast<size_t>(t.numel()), values.size());
  for (size_t i = 0; i < values.size(); ++i) t.data<bool>()[i] = values[i];
  return t;
}

// Runs the node's rule on the given forward values and output gradients,
// wanting every input's gradient.
std::vector<Gradient> backward(const Node& node, const std::vector<const Tensor*>& inputs,
                               const std::vector<const Tensor*>& outputs,
                               const std::vector<const Tensor*>& output_grads) {
  const GradientRule* rule = find_gradient_rule(node.domain, node.op_type);
  EXPECT_NE(rule, nullptr) << node.op_type;
  if (!rule) return {};
  const std::unique_ptr<bool[]> wanted(new bool[inputs.size()]);
  std::fill_n(wanted.get(), inputs.size(), true);
  return rule->backward(BackwardArgs{node, inputs, outputs, output_grads, {wanted.get(), inputs.size()}});
}

TEST(Gradients, Reshape) {
  expect_gradients_match(op("Reshape"), {random_doubles({2, 3, 4}, 1), int64_tensor({2}, {0, -1})});
  expect_gradients_match(op("Reshape"), {random_doubles({2, 3, 4}, 1), int64_tensor({3}, {-1, 4, 1})});
}

TEST(Gradients, Flatten) {
  expect_gradients_match(op("Flatten", {{"axis", int_attr(2)}}), {random_doubles({2, 3, 4}, 1)});
  expect_gradients_match(op("Flatten", {{"axis", int_attr(0)}}), {random_doubles({2, 3, 4}, 1)});
}

TEST(Gradients, Squeeze) {
  expect_gradients_match(op("Squeeze", {{"axes", ints_attr({1, -1})}}, 11), {random_doubles({2, 1, 3, 1}, 1)});
  expect_gradients_match(op("Squeeze", {}, 13), {random_doubles({2, 1, 3, 1}, 1), int64_tensor({1}, {-1})});
  expect_gradients_match(op("Squeeze", {}, 13), {random_doubles({1, 3, 1}, 1)});
}

TEST(Gradients, Unsqueeze) {
  expect_gradients_match(op("Unsqueeze", {{"axes", ints_attr({0, 3})}}, 11), {random_doubles({2, 3}, 1)});
  expect_gradients_match(op("Unsqueeze", {}, 13), {random_doubles({2, 3}, 1), int64_tensor({2}, {1, -1})});
}

TEST(Gradients, Identity) { expect_gradients_match(op("Identity"), {random_doubles({2, 3}, 1)}); }

TEST(Gradients, DropoutInference) {
  expect_gradients_match(op("Dropout", {}, 7), {random_doubles({2, 3}, 1)});
  expect_gradients_match(op("Dropout", {}, 13), {random_doubles({2, 3}, 1)}, /*output_count=*/2);
}

TEST(Gradients, Expand) {
  expect_gradients_match(op("Expand"), {random_doubles({3, 1}, 1), int64_tensor({3}, {2, 3, 4})});
  expect_gradients_match(op("Expand"), {random_doubles({2, 3}, 1), int64_tensor({2}, {1, 3})});
}

TEST(Gradients, CastDoubleToDouble) {
  expect_gradients_match(op("Cast", {{"to", int_attr(static_cast<int64_t>(DType::kDouble))}}),
                         {random_doubles({2, 3}, 1)});
}

TEST(Gradients, CastBetweenFloatAndDouble) {
  const Tensor x_float = float_tensor({3}, {1.5f, -2.0f, 0.25f});
  const Tensor dy_double = random_doubles({3}, 1);
  const std::vector<Gradient> to_double =
      backward(op("Cast", {{"to", int_attr(static_cast<int64_t>(DType::kDouble))}}), {&x_float}, {&dy_double},
               {&dy_double});
  ASSERT_TRUE(to_double[0].present());
  ASSERT_EQ(to_double[0].dense.dtype(), DType::kFloat);
  for (int64_t i = 0; i < 3; ++i)
    EXPECT_EQ(to_double[0].dense.data<float>()[i], static_cast<float>(dy_double.data<double>()[i]));

  const Tensor x_double = random_doubles({3}, 2);
  const Tensor dy_float = float_tensor({3}, {0.5f, 4.0f, -1.0f});
  const std::vector<Gradient> to_float = backward(op("Cast", {{"to", int_attr(static_cast<int64_t>(DType::kFloat))}}),
                                                  {&x_double}, {&dy_float}, {&dy_float});
  ASSERT_TRUE(to_float[0].present());
  ASSERT_EQ(to_float[0].dense.dtype(), DType::kDouble);
  for (int64_t i = 0; i < 3; ++i) EXPECT_EQ(to_float[0].dense.data<double>()[i], dy_float.data<float>()[i]);
}

TEST(Gradients, CastFromIntegerHasNoGradient) {
  const Tensor x = int64_tensor({2}, {1, 2});
  const Tensor dy = random_doubles({2}, 1);
  const auto grads = backward(op("Cast", {{"to", int_attr(static_cast<int64_t>(DType::kDouble))}}), {&x}, {&dy}, {&dy});
  ASSERT_EQ(grads.size(), 1u);
  EXPECT_FALSE(grads[0].present());
}

TEST(Gradients, Transpose) {
  expect_gradients_match(op("Transpose"), {random_doubles({2, 3, 4, 5}, 1)});
  for (const std::vector<int64_t>& perm : std::vector<std::vector<int64_t>>{
           {0, 2, 1, 3}, {0, 1, 3, 2}, {2, 0, 3, 1}, {1, 2, 3, 0}, {0, 1, 2, 3}}) {
    SCOPED_TRACE(shape_str(perm));
    expect_gradients_match(op("Transpose", {{"perm", ints_attr(perm)}}), {random_doubles({2, 3, 4, 5}, 1)});
  }
  // Size-1 dims are dropped from the loop; a rank-0 transpose is a copy.
  expect_gradients_match(op("Transpose", {{"perm", ints_attr({2, 0, 1})}}), {random_doubles({1, 3, 1}, 1)});
  expect_gradients_match(op("Transpose"), {random_doubles({}, 1)});
}

// dY as float and as double give the same dX: the float path moves rows
// (the last axis stays) and is what training runs.
TEST(Gradients, TransposeFloatMatchesDouble) {
  const Node node = op("Transpose", {{"perm", ints_attr({0, 2, 1, 3})}});
  const Tensor x_double = random_doubles({2, 3, 4, 5}, 1);
  const Tensor dy_double = random_doubles({2, 4, 3, 5}, 2);
  Tensor x_float(DType::kFloat, x_double.shape());
  Tensor dy_float(DType::kFloat, dy_double.shape());
  for (int64_t i = 0; i < dy_double.numel(); ++i)
    dy_float.data<float>()[i] = static_cast<float>(dy_double.data<double>()[i]);
  const auto from_double = backward(node, {&x_double}, {&dy_double}, {&dy_double});
  const auto from_float = backward(node, {&x_float}, {&dy_float}, {&dy_float});
  ASSERT_TRUE(from_double[0].present() && from_float[0].present());
  ASSERT_EQ(from_float[0].dense.shape(), x_double.shape());
  for (int64_t i = 0; i < x_double.numel(); ++i)
    EXPECT_EQ(from_float[0].dense.data<float>()[i], static_cast<float>(from_double[0].dense.data<double>()[i])) << i;
}

// An attention-sized [B,H,S,D] -> [B,S,H,D] gradient, large enough to run in
// parallel chunks, against the index formula dX[b,s,h,d] = dY[b,h,s,d].
TEST(Gradients, TransposeOfAttentionHeads) {
  const int64_t batch = 2, heads = 12, seq = 64, depth = 32;
  const Node node = op("Transpose", {{"perm", ints_attr({0, 2, 1, 3})}});
  const Tensor x(DType::kFloat, {batch, seq, heads, depth});
  Tensor dy(DType::kFloat, {batch, heads, seq, depth});
  for (int64_t i = 0; i < dy.numel(); ++i) dy.data<float>()[i] = static_cast<float>(i);
  const auto grads = backward(node, {&x}, {&dy}, {&dy});
  ASSERT_TRUE(grads[0].present());
  const float* dx = grads[0].dense.data<float>();
  int64_t mismatches = 0;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t s = 0; s < seq; ++s)
      for (int64_t h = 0; h < heads; ++h)
        for (int64_t d = 0; d < depth; ++d) {
          const float want = dy.data<float>()[((b * heads + h) * seq + s) * depth + d];
          mismatches += dx[((b * seq + s) * heads + h) * depth + d] != want;
        }
  EXPECT_EQ(mismatches, 0);
}

TEST(Gradients, Slice) {
  const Tensor x = random_doubles({4, 5, 6}, 1);
  // Negative start, step 2, an end past the dim (clamped), on a subset of axes.
  expect_gradients_match(op("Slice"), {x, int64_tensor({2}, {-4, 1}), int64_tensor({2}, {100, 6}),
                                       int64_tensor({2}, {2, 0}), int64_tensor({2}, {2, 1})});
  // Step -1 from the end, to a negative end.
  expect_gradients_match(op("Slice"), {x, int64_tensor({1}, {-1}), int64_tensor({1}, {-5}), int64_tensor({1}, {1}),
                                       int64_tensor({1}, {-1})});
  // Backwards over a whole axis, by 2, from a start past the dim.
  expect_gradients_match(op("Slice"), {x, int64_tensor({1}, {10}), int64_tensor({1}, {-100}), int64_tensor({1}, {-1}),
                                       int64_tensor({1}, {-2})});
  // Axes and steps omitted: the first len(starts) dims, step 1.
  expect_gradients_match(op("Slice"), {x, int64_tensor({2}, {1, -3}), int64_tensor({2}, {3, 5})});
  // Attributes before opset 10.
  const Node attributes =
      op("Slice", {{"starts", ints_attr({-2})}, {"ends", ints_attr({1000})}, {"axes", ints_attr({1})}}, 9);
  expect_gradients_match(attributes, {x});
}

TEST(Gradients, Concat) {
  const std::vector<Tensor> parts = {random_doubles({2, 3, 1}, 1), random_doubles({2, 3, 4}, 2),
                                     random_doubles({2, 3, 2}, 3)};
  expect_gradients_match(op("Concat", {{"axis", int_attr(-1)}}), parts);
  expect_gradients_match(op("Concat", {{"axis", int_attr(0)}}),
                         {random_doubles({1, 3}, 1), random_doubles({3, 3}, 2), random_doubles({2, 3}, 3)});
}

TEST(Gradients, Split) {
  const Tensor x = random_doubles({2, 6, 3}, 1);
  expect_gradients_match(op("Split", {{"axis", int_attr(1)}}), {x, int64_tensor({3}, {1, 3, 2})}, 3);
  expect_gradients_match(op("Split", {{"axis", int_attr(-1)}, {"split", ints_attr({2, 1})}}, 11), {x}, 2);
  expect_gradients_match(op("Split", {{"axis", int_attr(0)}}), {x}, 2);
  // Opset 18: num_outputs with an uneven last part (6 = 4 + 2).
  expect_gradients_match(op("Split", {{"axis", int_attr(1)}, {"num_outputs", int_attr(2)}}, 18), {x}, 2);
  expect_gradients_match(op("Split", {{"axis", int_attr(1)}, {"num_outputs", int_attr(4)}}, 18), {x}, 4);
}

// An output no gradient reaches contributes zeros.
TEST(Gradients, SplitWithAbsentOutputGradient) {
  const Node node = op("Split", {{"axis", int_attr(1)}}, 13);
  const Tensor x = random_doubles({2, 3}, 1);
  const Tensor split = int64_tensor({2}, {1, 2});
  const Tensor y0(DType::kDouble, {2, 1});
  const Tensor y1(DType::kDouble, {2, 2});
  const Tensor dy1 = random_doubles({2, 2}, 2);
  const auto grads = backward(node, {&x, &split}, {&y0, &y1}, {nullptr, &dy1});
  ASSERT_TRUE(grads[0].present());
  EXPECT_FALSE(grads[1].present());
  const double* dx = grads[0].dense.data<double>();
  const double* g = dy1.data<double>();
  const std::vector<double> want = {0, g[0], g[1], 0, g[2], g[3]};
  EXPECT_EQ(std::vector<double>(dx, dx + 6), want);
}

TEST(Gradients, Where) {
  const Tensor condition = bool_tensor({3, 1}, {true, false, true});
  expect_gradients_match(op("Where"), {condition, random_doubles({2, 3, 4}, 1), random_doubles({2, 3, 4}, 2)});
  expect_gradients_match(op("Where"), {condition, random_doubles({4}, 1), random_doubles({2, 1, 1}, 2)});
  expect_gradients_match(op("Where"),
                         {bool_tensor({2}, {false, true}), random_doubles({}, 1), random_doubles({3, 1}, 2)});
}

TEST(Gradients, Tile) {
  expect_gradients_match(op("Tile"), {random_doubles({2, 3}, 1), int64_tensor({2}, {2, 3})});
  expect_gradients_match(op("Tile"), {random_doubles({2, 1, 3}, 1), int64_tensor({3}, {1, 4, 2})});
  expect_gradients_match(op("Tile"), {random_doubles({3}, 1), int64_tensor({1}, {1})});
}

}  // namespace
}  // namespace xenc::test
