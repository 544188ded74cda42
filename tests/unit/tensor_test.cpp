#include <gtest/gtest.h>

#include "graph/tensor.h"

namespace xenc {
namespace {

TEST(Tensor, OwnedStorageIsZeroedAndSized) {
  Tensor t(DType::kFloat, {2, 3});
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.nbytes(), 24u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(t.data<float>()[i], 0.0f);
}

TEST(Tensor, WrongTypedAccessThrows) {
  Tensor t(DType::kInt64, {1});
  EXPECT_THROW(t.data<float>(), Error);
}

TEST(Tensor, OverflowingShapeIsAnError) {
  EXPECT_THROW(shape_numel({int64_t{1} << 40, int64_t{1} << 40}), Error);
  EXPECT_THROW(shape_numel({-1, 2}), Error);
}

TEST(Tensor, ReshapedSharesStorage) {
  Tensor t(DType::kInt32, {2, 2});
  Tensor r = t.reshaped({4});
  r.data<int32_t>()[3] = 7;
  EXPECT_EQ(t.data<int32_t>()[3], 7);
  EXPECT_THROW(t.reshaped({3}), Error);
}

TEST(DType, Float16RoundTrip) {
  for (float f : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f}) EXPECT_EQ(to_float(to_float16(f)), f);
  EXPECT_EQ(to_float(to_bfloat16(1.5f)), 1.5f);
}

}  // namespace
}  // namespace xenc
