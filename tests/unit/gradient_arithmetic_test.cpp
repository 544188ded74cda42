// Backward rules of MatMul and the broadcasting arithmetic ops against
// finite differences.
#include <gtest/gtest.h>

#include "gradient_check.h"

namespace xenc::test {
namespace {

TEST(Gradients, MatMulOfAWeight) {
  expect_gradients_match(op("MatMul"), {random_doubles({2, 3, 4}, 1), random_doubles({4, 5}, 2)});
}

TEST(Gradients, MatMulOfBatches) {
  expect_gradients_match(op("MatMul"), {random_doubles({2, 3, 4, 5}, 1), random_doubles({2, 3, 5, 2}, 2)});
}

TEST(Gradients, MatMulWithBroadcastBatches) {
  expect_gradients_match(op("MatMul"), {random_doubles({2, 1, 3, 4}, 1), random_doubles({3, 4, 2}, 2)});
}

TEST(Gradients, MatMulOfVectors) {
  expect_gradients_match(op("MatMul"), {random_doubles({4}, 1), random_doubles({2, 4, 3}, 2)});
  expect_gradients_match(op("MatMul"), {random_doubles({2, 3, 4}, 1), random_doubles({4}, 2)});
  expect_gradients_match(op("MatMul"), {random_doubles({4}, 1), random_doubles({4}, 2)});
}

TEST(Gradients, BroadcastingArithmetic) {
  for (const char* type : {"Add", "Sub", "Mul", "Div"}) {
    SCOPED_TRACE(type);
    expect_gradients_match(op(type), {random_doubles({2, 3, 4}, 1), random_doubles({2, 3, 4}, 2, 0.5, 2.0)});
    expect_gradients_match(op(type), {random_doubles({2, 3, 4}, 1), random_doubles({4}, 2, 0.5, 2.0)});
    expect_gradients_match(op(type), {random_doubles({2, 1, 4}, 1), random_doubles({3, 1}, 2, 0.5, 2.0)});
    expect_gradients_match(op(type), {random_doubles({}, 1), random_doubles({2, 3}, 2, 0.5, 2.0)});
  }
}

TEST(Gradients, Pow) {
  expect_gradients_match(op("Pow"), {random_doubles({2, 3}, 1, 0.5, 2.0), random_doubles({}, 2, 1.0, 3.0)});
  expect_gradients_match(op("Pow"), {random_doubles({2, 3}, 1, 0.5, 2.0), random_doubles({3}, 2, -1.0, 2.0)});
}

}  // namespace
}  // namespace xenc::test
