// The packed float GEMM of ops/x86/packed_sgemm.h: the panel layout; each
// ISA's kernel against a double-precision product on shapes around its
// tiles (6 or 12 rows, 16 or 32 columns), with strided A and C, NaN in A's
// padding and sentinels in C's; and the header's promise that a product's
// bits depend neither on how it is cut into calls nor on where a row falls
// in a tile.
#include "ops/x86/packed_sgemm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "fusion_test_util.h"

namespace xenc {
namespace {

constexpr float kSentinel = -777.25f;
constexpr size_t kGuard = 32;

std::vector<float> pack(const std::vector<float>& b, int64_t k, int64_t n) {
  std::vector<float> packed(static_cast<size_t>(packed_panel_count(n) * k * kPackedPanelWidth));
  pack_sgemm_weights(b.data(), k, n, packed.data());
  return packed;
}

// A (m x k, leading dimension lda) with NaN in the columns past k: a kernel
// reading them would spoil its results.
std::vector<float> strided_a(int64_t m, int64_t k, int64_t lda, unsigned seed) {
  std::vector<float> a = test::pseudo_random(static_cast<size_t>(m * lda), seed);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = k; p < lda; ++p) a[static_cast<size_t>(i * lda + p)] = std::numeric_limits<float>::quiet_NaN();
  return a;
}

// Fails at the first element whose bits differ.
void expect_same_bits(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_EQ(std::bit_cast<uint32_t>(got[i]), std::bit_cast<uint32_t>(want[i]))
        << what << ": element " << i << " is " << got[i] << ", expected " << want[i];
}

// " 7 11 7" for {7, 11, 7}.
std::string sizes(const std::vector<int64_t>& pieces) {
  std::string text;
  for (int64_t piece : pieces) {
    text += ' ';
    text += std::to_string(piece);
  }
  return text;
}

TEST(PackedSgemm, PackingPutsColumnsInPanelsAndZeroPadsTheLast) {
  EXPECT_EQ(packed_panel_count(0), 0);
  EXPECT_EQ(packed_panel_count(1), 1);
  EXPECT_EQ(packed_panel_count(16), 1);
  EXPECT_EQ(packed_panel_count(17), 2);
  constexpr int64_t k = 3, n = 37;  // three panels, the last with 5 columns
  std::vector<float> b(static_cast<size_t>(k * n));
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i + 1);  // every element distinct and nonzero
  const size_t size = static_cast<size_t>(packed_panel_count(n) * k * kPackedPanelWidth);
  std::vector<float> packed(size + kGuard, kSentinel);
  pack_sgemm_weights(b.data(), k, n, packed.data());
  for (int64_t j = 0; j < packed_panel_count(n) * kPackedPanelWidth; ++j) {
    for (int64_t p = 0; p < k; ++p) {
      const float got = packed[static_cast<size_t>((j / 16) * k * 16 + p * 16 + j % 16)];
      const float want = j < n ? b[static_cast<size_t>(p * n + j)] : 0.0f;
      ASSERT_EQ(got, want) << "B(" << p << ", " << j << ")";
    }
  }
  for (size_t i = size; i < packed.size(); ++i) ASSERT_EQ(packed[i], kSentinel) << "wrote past the panels at " << i;
}

// Packing a transposed, strided source (as attention packs K^T) gives the
// panels of its dense copy.
TEST(PackedSgemm, PanelsOfAStridedTransposeEqualThoseOfItsDenseCopy) {
  constexpr int64_t k = 5, n = 19, stride = 7;  // B = K^T, K stored as n rows of `stride` floats
  std::vector<float> keys(static_cast<size_t>(n * stride));
  for (size_t i = 0; i < keys.size(); ++i) keys[i] = static_cast<float>(i) * 0.5f - 3.0f;
  std::vector<float> dense(static_cast<size_t>(k * n));
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < n; ++j) dense[static_cast<size_t>(p * n + j)] = keys[static_cast<size_t>(j * stride + p)];
  const size_t size = static_cast<size_t>(packed_panel_count(n) * k * kPackedPanelWidth);
  std::vector<float> want(size), got(size, kSentinel);
  pack_sgemm_weights(dense.data(), k, n, want.data());
  pack_sgemm_panels(keys.data(), 1, stride, k, n, got.data());
  EXPECT_EQ(got, want);
}

class PackedSgemmTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!isa_supported(GetParam())) GTEST_SKIP() << isa_name(GetParam()) << " is not supported by this CPU";
  }
  PackedSgemmFn kernel() const { return packed_sgemm_kernel(GetParam()); }
};

TEST_P(PackedSgemmTest, MatchesDoubleProductOnOddShapes) {
  for (int64_t m : {1, 5, 6, 7, 11, 12, 13, 25}) {
    for (int64_t n : {1, 15, 16, 17, 33, 48, 50}) {
      for (int64_t k : {1, 3, 64, 385}) {
        const std::string what = std::string(isa_name(GetParam())) + " m=" + std::to_string(m) +
                                 " n=" + std::to_string(n) + " k=" + std::to_string(k);
        const int64_t lda = k + 3, ldc = n + 5;
        const unsigned seed = static_cast<unsigned>(m * 10000 + n * 100 + k);
        const std::vector<float> a = strided_a(m, k, lda, seed);
        const std::vector<float> b = test::pseudo_random(static_cast<size_t>(k * n), seed + 1);
        const std::vector<float> packed = pack(b, k, n);
        // C's padding columns and a guard band after its last row hold sentinels.
        std::vector<float> c(static_cast<size_t>(m * ldc) + kGuard, kSentinel);
        kernel()({a.data(), lda, packed.data(), k, n, c.data(), ldc, m, 0, packed_panel_count(n)});
        for (int64_t i = 0; i < m; ++i) {
          for (int64_t j = 0; j < ldc; ++j) {
            const float got = c[static_cast<size_t>(i * ldc + j)];
            if (j >= n) {
              ASSERT_EQ(got, kSentinel) << what << ": wrote padding C(" << i << ", " << j << ")";
              continue;
            }
            double want = 0, magnitude = 0;
            for (int64_t p = 0; p < k; ++p) {
              const double product = double{a[static_cast<size_t>(i * lda + p)]} * b[static_cast<size_t>(p * n + j)];
              want += product;
              magnitude += std::fabs(product);
            }
            ASSERT_NEAR(got, want, 1e-5 * magnitude) << what << " at C(" << i << ", " << j << ")";
          }
        }
        for (size_t i = static_cast<size_t>(m * ldc); i < c.size(); ++i)
          ASSERT_EQ(c[i], kSentinel) << what << ": wrote past C at " << i;
      }
    }
  }
}

// Rows and panels cut into calls of every size give the bits of one call:
// 25 rows (not a multiple of 6 or 12), 5 panels (the last partial).
TEST_P(PackedSgemmTest, SplitCallsGiveTheBitsOfOneCall) {
  constexpr int64_t m = 25, n = 75, k = 67, lda = k + 1, ldc = n + 2;
  const std::vector<float> a = strided_a(m, k, lda, 1);
  const std::vector<float> packed = pack(test::pseudo_random(static_cast<size_t>(k * n), 2), k, n);
  const auto product = [&](const std::vector<int64_t>& row_pieces, const std::vector<int64_t>& panel_pieces) {
    std::vector<float> c(static_cast<size_t>(m * ldc), kSentinel);
    int64_t first_row = 0;
    for (int64_t rows : row_pieces) {
      int64_t first_panel = 0;
      for (int64_t panels : panel_pieces) {
        kernel()({a.data() + first_row * lda, lda, packed.data(), k, n, c.data() + first_row * ldc, ldc, rows,
                  first_panel, panels});
        first_panel += panels;
      }
      first_row += rows;
    }
    return c;
  };
  const std::vector<float> whole = product({m}, {packed_panel_count(n)});
  const std::vector<std::vector<int64_t>> row_splits = {{m}, {1, 24}, {7, 11, 7}, {13, 12}, {5, 6, 1, 12, 1}};
  const std::vector<std::vector<int64_t>> panel_splits = {{5}, {1, 1, 1, 1, 1}, {1, 3, 1}, {3, 2}, {2, 3}};
  for (const auto& rows : row_splits) {
    for (const auto& panels : panel_splits) {
      expect_same_bits(product(rows, panels), whole,
                       std::string(isa_name(GetParam())) + " rows" + sizes(rows) + ", panels" + sizes(panels));
    }
  }
}

// The same row of A at row 0, 7 and 12 of a 13-row A (different tiles and
// places in a tile for every kernel), and alone, gives the same bits.
TEST_P(PackedSgemmTest, RowResultDoesNotDependOnItsPlaceInATile) {
  constexpr int64_t m = 13, n = 40, k = 70;
  std::vector<float> a = test::pseudo_random(static_cast<size_t>(m * k), 3);
  for (int64_t row : {7, 12}) std::copy_n(a.begin(), k, a.begin() + row * k);
  const std::vector<float> packed = pack(test::pseudo_random(static_cast<size_t>(k * n), 4), k, n);
  std::vector<float> c(static_cast<size_t>(m * n)), alone(static_cast<size_t>(n));
  kernel()({a.data(), k, packed.data(), k, n, c.data(), n, m, 0, packed_panel_count(n)});
  kernel()({a.data(), k, packed.data(), k, n, alone.data(), n, 1, 0, packed_panel_count(n)});
  const auto row_of_c = [&](int64_t row) { return std::vector<float>(c.begin() + row * n, c.begin() + (row + 1) * n); };
  for (int64_t row : {0, 7, 12})
    expect_same_bits(row_of_c(row), alone, std::string(isa_name(GetParam())) + " row " + std::to_string(row));
}

INSTANTIATE_TEST_SUITE_P(PackedSgemm, PackedSgemmTest, ::testing::Values(Isa::scalar, Isa::avx2, Isa::avx512),
                         [](const ::testing::TestParamInfo<Isa>& param) { return std::string(isa_name(param.param)); });

}  // namespace
}  // namespace xenc
