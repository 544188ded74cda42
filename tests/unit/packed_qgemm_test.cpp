// The packed int8 GEMM of ops/x86/packed_qgemm.h: the panel layout, and
// each path against a 64-bit integer product, exactly, on shapes around its
// tiles (depth not a multiple of 4 or 64, K = 1, columns not a multiple of
// 8 or 16, rows around one and two 16-row tiles), with strided A and C and
// values at the ends of both ranges.
#include "ops/x86/packed_qgemm.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fusion_test_util.h"

namespace xenc {
namespace {

constexpr int32_t kSentinel = -777;

// Values spread over [lo, hi], with the two ends among them.
template <class T>
std::vector<T> values_over(size_t n, uint32_t seed, int lo, int hi) {
  const std::vector<float> r = test::pseudo_random(n, seed);  // in [-1, 1)
  const int span = hi - lo + 1;
  std::vector<T> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<T>(lo + static_cast<int>((r[i] + 1.0f) / 2.0f * float(span)) % span);
  if (n > 0) v[0] = static_cast<T>(lo);
  if (n > 1) v[n - 1] = static_cast<T>(hi);
  return v;
}

std::vector<int8_t> pack(const std::vector<int8_t>& b, int64_t k, int64_t n) {
  std::vector<int8_t> packed(static_cast<size_t>(qgemm_packed_bytes(k, n)));
  pack_qgemm_weights(b.data(), k, n, packed.data());
  return packed;
}

TEST(PackedQgemm, PackingGroupsDepthByFourPerColumnAndZeroPads) {
  constexpr int64_t k = 70, n = 19;  // depth padded to 128 (two AMX tile depths), two panels
  constexpr int64_t depth = 128;
  EXPECT_EQ(qgemm_padded_depth(k), depth);
  EXPECT_EQ(qgemm_padded_depth(64), 64);
  EXPECT_EQ(qgemm_panel_count(n), 2);
  std::vector<int8_t> b(static_cast<size_t>(k * n));
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<int8_t>(i % 120 + 1);  // nonzero
  const std::vector<int8_t> packed = pack(b, k, n);
  ASSERT_EQ(packed.size(), size_t{2 * depth * 16});
  for (int64_t col = 0; col < 32; ++col)
    for (int64_t row = 0; row < depth; ++row) {
      const size_t at = static_cast<size_t>((col / 16) * depth * 16 + (row / 4) * 64 + (col % 16) * 4 + row % 4);
      const int8_t want = row < k && col < n ? b[static_cast<size_t>(row * n + col)] : int8_t{0};
      ASSERT_EQ(packed[at], want) << "B(" << row << ", " << col << ")";
    }
}

class PackedQgemmTest : public ::testing::TestWithParam<QgemmPath> {
 protected:
  void SetUp() override {
    if (!qgemm_path_supported(GetParam()))
      GTEST_SKIP() << qgemm_path_name(GetParam()) << " is not supported by this CPU";
  }
};

TEST_P(PackedQgemmTest, EqualsTheIntegerProductExactly) {
  const PackedQgemmFn kernel = packed_qgemm_kernel(GetParam());
  uint32_t seed = 1;
  for (int64_t m : {1, 5, 6, 7, 12, 13, 16, 25, 32, 47})
    for (int64_t n : {1, 7, 8, 9, 16, 17, 33, 50})
      for (int64_t k : {1, 2, 3, 4, 5, 64, 67, 385}) {
        const int64_t lda = k + 3, ldc = n + 5;
        const std::vector<uint8_t> a = values_over<uint8_t>(static_cast<size_t>(m * lda), seed++, 0, 255);
        const std::vector<int8_t> b = values_over<int8_t>(static_cast<size_t>(k * n), seed++, -128, 127);
        const std::vector<int8_t> packed = pack(b, k, n);
        std::vector<int32_t> c(static_cast<size_t>(m * ldc), kSentinel);
        kernel({a.data(), lda, packed.data(), k, n, c.data(), ldc, m, 0, qgemm_panel_count(n)});
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < ldc; ++j) {
            int64_t want = kSentinel;
            if (j < n) {
              want = 0;
              for (int64_t p = 0; p < k; ++p) want += int64_t{a[size_t(i * lda + p)]} * int64_t{b[size_t(p * n + j)]};
            }
            ASSERT_EQ(c[static_cast<size_t>(i * ldc + j)], want)
                << "C(" << i << ", " << j << ") of " << m << "x" << n << "x" << k;
          }
      }
}

// The largest sums a model can make: every product 255 x -128 (or x 127).
TEST_P(PackedQgemmTest, ExtremeValuesAccumulateWithoutOverflowOrSaturation) {
  constexpr int64_t m = 13, n = 20, k = 4099;
  std::vector<uint8_t> a(static_cast<size_t>(m * k), 255);
  std::vector<int8_t> b(static_cast<size_t>(k * n));
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < n; ++j) b[size_t(p * n + j)] = j % 2 ? int8_t{127} : int8_t{-128};
  const std::vector<int8_t> packed = pack(b, k, n);
  std::vector<int32_t> c(static_cast<size_t>(m * n));
  packed_qgemm_kernel(GetParam())({a.data(), k, packed.data(), k, n, c.data(), n, m, 0, qgemm_panel_count(n)});
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) ASSERT_EQ(c[size_t(i * n + j)], k * 255 * (j % 2 ? 127 : -128)) << i << ", " << j;
}

// A call on some panels writes those columns alone.
TEST_P(PackedQgemmTest, PanelRangesWriteTheirColumnsOnly) {
  constexpr int64_t m = 7, n = 40, k = 9;
  const std::vector<uint8_t> a = values_over<uint8_t>(size_t{m * k}, 11, 0, 255);
  const std::vector<int8_t> b = values_over<int8_t>(size_t{k * n}, 12, -128, 127);
  const std::vector<int8_t> packed = pack(b, k, n);
  std::vector<int32_t> whole(size_t{m * n}), pieces(size_t{m * n}, kSentinel);
  const PackedQgemmFn kernel = packed_qgemm_kernel(GetParam());
  kernel({a.data(), k, packed.data(), k, n, whole.data(), n, m, 0, 3});
  kernel({a.data(), k, packed.data(), k, n, pieces.data(), n, m, 1, 1});
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      const bool in_panel = j >= 16 && j < 32;
      ASSERT_EQ(pieces[size_t(i * n + j)], in_panel ? whole[size_t(i * n + j)] : kSentinel) << i << ", " << j;
    }
}

INSTANTIATE_TEST_SUITE_P(Paths, PackedQgemmTest,
                         ::testing::Values(QgemmPath::scalar, QgemmPath::avx2, QgemmPath::avx512_vnni, QgemmPath::amx),
                         [](const ::testing::TestParamInfo<QgemmPath>& p) {
                           return std::string(qgemm_path_name(p.param));
                         });

}  // namespace
}  // namespace xenc
