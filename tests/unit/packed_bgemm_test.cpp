// The packed bf16 GEMM of ops/x86/packed_bgemm.h and its rounding to bf16:
// the panel layout; each path exactly equal to the product of small
// integers (exact in bf16, every sum exact in float) on every row count to
// 25 and column count to 50, with strided A and C, NaN in A's padding and
// sentinels in C's; on random data, each path within the rounding bound of
// a double-precision product of the same bf16 values, and the emulated
// paths equal bit for bit; each path's conversion against to_bfloat16.
#include "ops/x86/packed_bgemm.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "fusion_test_util.h"
#include "graph/dtype.h"

namespace xenc {
namespace {

constexpr float kSentinel = -777.25f;
constexpr uint16_t kBf16Sentinel = 0x5a5a;
constexpr size_t kGuard = 32;
constexpr uint16_t kBf16NaN = 0x7fc0;

uint16_t bf16(float f) { return to_bfloat16(f).bits; }
float widen(uint16_t bits) { return to_float(BFloat16{bits}); }

std::vector<uint16_t> pack(const std::vector<float>& b, int64_t k, int64_t n) {
  std::vector<uint16_t> packed(static_cast<size_t>(bgemm_packed_elements(k, n)));
  pack_bgemm_weights(b.data(), k, n, packed.data());
  return packed;
}

// Integers in [-8, 8]: exact in bf16, and a sum of up to 2^18 of their
// products is exact in float.
std::vector<float> small_integers(size_t n, uint32_t seed) {
  std::vector<float> v = test::pseudo_random(n, seed);
  for (float& x : v) x = std::round(x * 8.0f);
  return v;
}

// `values` (m x k) in bf16 with leading dimension lda, NaN in the columns
// past k, and the last row ending the allocation: a kernel reading past k
// spoils its results or, under AddressSanitizer, reads out of bounds.
std::vector<uint16_t> strided_a(const std::vector<float>& values, int64_t m, int64_t k, int64_t lda) {
  std::vector<uint16_t> a(static_cast<size_t>((m - 1) * lda + k), kBf16NaN);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < k; ++p) a[size_t(i * lda + p)] = bf16(values[size_t(i * k + p)]);
  return a;
}

struct Shape {
  int64_t m, n, k, lda, ldc;
};

std::string text(const Shape& s) { return std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k); }

// C = A (m x k floats, as bf16 in strided_a) * B (k x n floats, packed) by
// `path`, as the kernel left it: padding columns (leading dimension ldc)
// and a guard band after the last row hold sentinels.
std::vector<float> product(BgemmPath path, const std::vector<float>& a_values, const std::vector<float>& b,
                           const Shape& s) {
  const std::vector<uint16_t> a = strided_a(a_values, s.m, s.k, s.lda);
  const std::vector<uint16_t> packed = pack(b, s.k, s.n);
  std::vector<float> c(static_cast<size_t>(s.m * s.ldc) + kGuard, kSentinel);
  const int64_t panels = bgemm_panel_count(s.n);
  packed_bgemm_kernel(path)({a.data(), s.lda, packed.data(), s.k, s.n, c.data(), s.ldc, s.m, 0, panels});
  return c;
}

TEST(PackedBgemm, PackingPairsDepthPerColumnRoundsToBf16AndZeroPads) {
  constexpr int64_t k = 37, n = 19;  // depth padded to 64 (two AMX tile depths), two panels
  constexpr int64_t depth = 64;
  EXPECT_EQ(bgemm_padded_depth(k), depth);
  EXPECT_EQ(bgemm_padded_depth(32), 32);
  EXPECT_EQ(bgemm_panel_count(n), 2);
  EXPECT_EQ(bgemm_packed_elements(k, n), 2 * depth * 16);
  std::vector<float> b(static_cast<size_t>(k * n));
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i + 1) * 1.001f;  // distinct, most not bf16
  const size_t size = static_cast<size_t>(bgemm_packed_elements(k, n));
  std::vector<uint16_t> packed(size + kGuard, kBf16Sentinel);
  pack_bgemm_weights(b.data(), k, n, packed.data());
  for (int64_t col = 0; col < 32; ++col)
    for (int64_t row = 0; row < depth; ++row) {
      const size_t at = static_cast<size_t>((col / 16) * depth * 16 + (row / 2) * 32 + (col % 16) * 2 + row % 2);
      const uint16_t want = row < k && col < n ? bf16(b[static_cast<size_t>(row * n + col)]) : uint16_t{0};
      ASSERT_EQ(packed[at], want) << "B(" << row << ", " << col << ")";
    }
  for (size_t i = size; i < packed.size(); ++i) ASSERT_EQ(packed[i], kBf16Sentinel) << "wrote past the panels at " << i;
}

TEST(PackedBgemm, SelectedPathFollowsTheSelectedIsa) {
  BgemmPath want = BgemmPath::scalar;
  if (selected_isa() == Isa::avx2) want = BgemmPath::avx2;
  if (selected_isa() == Isa::avx512) want = cpu_features().avx512_bf16 ? BgemmPath::avx512_bf16 : BgemmPath::avx512;
  if (selected_isa() == Isa::amx) want = BgemmPath::amx;
  EXPECT_EQ(selected_bgemm_path(), want);
  EXPECT_EQ(packed_bgemm_kernel(), packed_bgemm_kernel(want));
  const std::vector<float> src = test::pseudo_random(77, 5);
  std::vector<uint16_t> got(src.size()), expected(src.size());
  convert_to_bf16(src.data(), got.data(), src.size());
  bf16_converter(want)(src.data(), expected.data(), src.size());
  EXPECT_EQ(got, expected);
}

// The emulated paths take the same steps in the same order, so they agree
// to the bit, here on values spread over 2^-20..2^20 (where sums round).
TEST(PackedBgemm, EmulatedPathsGiveTheSameBits) {
  for (int64_t k : {1, 2, 67, 385}) {
    const Shape s{13, 50, k, k + 5, 51};
    const auto seed = static_cast<uint32_t>(k);
    std::vector<float> a = test::pseudo_random(size_t(s.m * k), seed);
    const std::vector<float> scales = test::pseudo_random(a.size(), seed + 1);
    for (size_t i = 0; i < a.size(); ++i) a[i] *= std::exp2(std::round(scales[i] * 20.0f));
    const std::vector<float> b = test::pseudo_random(size_t(k * s.n), seed + 2);
    const std::vector<float> want = product(BgemmPath::scalar, a, b, s);
    for (BgemmPath path : {BgemmPath::avx2, BgemmPath::avx512}) {
      if (!bgemm_path_supported(path)) continue;
      const std::vector<float> got = product(path, a, b, s);
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_EQ(std::bit_cast<uint32_t>(got[i]), std::bit_cast<uint32_t>(want[i]))
            << bgemm_path_name(path) << " " << text(s) << ": element " << i << " is " << got[i] << ", scalar gave "
            << want[i];
    }
  }
}

// Denormal inputs are where the paths part: the emulated ones keep them,
// vdpbf16ps and tdpbf16ps read them as zero (as Intel documents it). So each path also
// runs its own code, not another file's tiles of the same shape.
TEST(PackedBgemm, EmulatedPathsKeepDenormalsThatTheNativePathFlushes) {
  const Shape s{3, 20, 2, 2, 20};
  const std::vector<float> a(size_t(s.m * s.k), std::ldexp(1.0f, -133)), b(size_t(s.k * s.n), 1.0f);
  for (BgemmPath path :
       {BgemmPath::scalar, BgemmPath::avx2, BgemmPath::avx512, BgemmPath::avx512_bf16, BgemmPath::amx}) {
    if (!bgemm_path_supported(path)) continue;
    const bool native = path == BgemmPath::avx512_bf16 || path == BgemmPath::amx;
    const float want = native ? 0.0f : std::ldexp(1.0f, -132);
    const std::vector<float> c = product(path, a, b, s);
    for (int64_t i = 0; i < s.m * s.n; ++i) ASSERT_EQ(c[size_t(i)], want) << bgemm_path_name(path) << " element " << i;
  }
}

class PackedBgemmTest : public ::testing::TestWithParam<BgemmPath> {
 protected:
  void SetUp() override {
    if (!bgemm_path_supported(GetParam()))
      GTEST_SKIP() << bgemm_path_name(GetParam()) << " is not supported by this CPU";
  }
};

TEST_P(PackedBgemmTest, EqualsTheProductOfSmallIntegersExactly) {
  uint32_t seed = 1;
  // Every row count of the vector kernels' tiles, and two and three
  // 16-row AMX tiles with short ones among them.
  for (int64_t k : {1, 2, 3, 5, 64, 67, 385})
    for (int64_t m = 1; m <= 49; m += m < 25 ? 1 : 8)
      for (int64_t n = 1; n <= 50; ++n) {
        const Shape s{m, n, k, k + 3, n + 5};
        const std::vector<float> a = small_integers(size_t(m * k), seed++);
        const std::vector<float> b = small_integers(size_t(k * n), seed++);
        const std::vector<float> c = product(GetParam(), a, b, s);
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < s.ldc; ++j) {
            float want = kSentinel;
            if (j < n) {
              int64_t sum = 0;
              for (int64_t p = 0; p < k; ++p) sum += static_cast<int64_t>(a[size_t(i * k + p)] * b[size_t(p * n + j)]);
              want = static_cast<float>(sum);
            }
            ASSERT_EQ(c[size_t(i * s.ldc + j)], want) << "C(" << i << ", " << j << ") of " << text(s);
          }
        for (size_t i = size_t(m * s.ldc); i < c.size(); ++i)
          ASSERT_EQ(c[i], kSentinel) << text(s) << ": wrote past C at " << i;
      }
}

// Each of the 2 ceil(k / 2) <= k + 1 steps adds an exact product to a
// partial sum of magnitude at most S = sum |a b|, rounding once (relative
// error 2^-24), so |C - exact| <= gamma(k + 1) S with gamma(j) = j u / (1 - j u),
// u = 2^-24 (recursive summation; Higham, Accuracy and Stability, 4.2).
TEST_P(PackedBgemmTest, IsWithinTheRoundingBoundOfTheExactProduct) {
  constexpr double u = 1.0 / (1 << 24);
  uint32_t seed = 100;
  for (int64_t m : {1, 6, 12, 13, 25})
    for (int64_t n : {1, 16, 17, 33, 50})
      for (int64_t k : {1, 2, 3, 64, 67, 385}) {
        const Shape s{m, n, k, k + 1, n};
        std::vector<float> a = test::pseudo_random(size_t(m * k), seed++);
        std::vector<float> b = test::pseudo_random(size_t(k * n), seed++);
        for (float& x : a) x = widen(bf16(x));
        for (float& x : b) x = widen(bf16(x));
        const std::vector<float> c = product(GetParam(), a, b, s);
        const double gamma = double(k + 1) * u / (1 - double(k + 1) * u);
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) {
            double want = 0, magnitude = 0;
            for (int64_t p = 0; p < k; ++p) {
              const double term = double{a[size_t(i * k + p)]} * b[size_t(p * n + j)];
              want += term;
              magnitude += std::fabs(term);
            }
            ASSERT_NEAR(c[size_t(i * n + j)], want, gamma * magnitude) << "C(" << i << ", " << j << ") of " << text(s);
          }
      }
}

// A call on some panels writes those columns alone, with the bits of a call on all.
TEST_P(PackedBgemmTest, PanelRangesWriteTheirColumnsOnly) {
  constexpr int64_t m = 7, n = 40, k = 9;
  const std::vector<uint16_t> a = strided_a(test::pseudo_random(size_t{m * k}, 11), m, k, k);
  const std::vector<uint16_t> packed = pack(test::pseudo_random(size_t{k * n}, 12), k, n);
  std::vector<float> whole(size_t{m * n}), pieces(size_t{m * n}, kSentinel);
  const PackedBgemmFn kernel = packed_bgemm_kernel(GetParam());
  kernel({a.data(), k, packed.data(), k, n, whole.data(), n, m, 0, 3});
  kernel({a.data(), k, packed.data(), k, n, pieces.data(), n, m, 1, 1});
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      const float want = j >= 16 && j < 32 ? whole[size_t(i * n + j)] : kSentinel;
      ASSERT_EQ(std::bit_cast<uint32_t>(pieces[size_t(i * n + j)]), std::bit_cast<uint32_t>(want)) << i << ", " << j;
    }
}

INSTANTIATE_TEST_SUITE_P(PackedBgemm, PackedBgemmTest,
                         ::testing::Values(BgemmPath::scalar, BgemmPath::avx2, BgemmPath::avx512,
                                           BgemmPath::avx512_bf16, BgemmPath::amx),
                         [](const ::testing::TestParamInfo<BgemmPath>& p) {
                           return std::string(bgemm_path_name(p.param));
                         });

class Bf16ConvertTest : public ::testing::TestWithParam<BgemmPath> {
 protected:
  void SetUp() override {
    if (!bgemm_path_supported(GetParam()))
      GTEST_SKIP() << bgemm_path_name(GetParam()) << " is not supported by this CPU";
  }
};

// Random bit patterns (every exponent, NaN and denormals among them) with
// the edge cases written into both a vector block and the tail: ties to
// even both ways, NaNs whose payload lies in the dropped bits alone, the
// largest floats rounding to infinity, denormals (which vcvtne2ps2bf16
// would flush) rounding within and out of the denormal range.
TEST_P(Bf16ConvertTest, RoundsAsToBfloat16) {
  const std::vector<uint32_t> edges = {
      0x00000000, 0x80000000, 0x7f800000, 0xff800000,  // zeros, infinities
      0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fbfffff, 0x7fff8000,  // NaNs, quiet and signalling
      0x3f808000, 0x3f818000, 0xbf808000, 0xbf818000,  // ties: down to even, up to even
      0x3f807fff, 0x3f808001, 0x3f80ffff,              // below and above a tie
      0x7f7fffff, 0x7f7f8000, 0x7f7f7fff, 0xff7fffff,  // the largest floats
      0x00000001, 0x80000001, 0x00008000, 0x00018000, 0x007fffff, 0x807f8000, 0x007f7fff, 0x00400000};
  constexpr size_t kCount = 4096 + 27;  // a tail past the last whole block
  std::vector<uint32_t> bits(kCount);
  uint32_t state = 7;
  for (uint32_t& x : bits) x = state = state * 1664525u + 1013904223u;
  for (size_t i = 0; i < edges.size(); ++i) bits[100 + i] = bits[kCount - edges.size() + i] = edges[i];
  std::vector<float> src(kCount);
  for (size_t i = 0; i < kCount; ++i) src[i] = std::bit_cast<float>(bits[i]);
  const Bf16ConvertFn convert = bf16_converter(GetParam());
  for (size_t count : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{31}, size_t{32}, size_t{33}, size_t{63},
                       size_t{100} + edges.size(), kCount}) {
    std::vector<uint16_t> dst(count + kGuard, kBf16Sentinel);
    convert(src.data(), dst.data(), count);
    for (size_t i = 0; i < count; ++i)
      ASSERT_EQ(dst[i], to_bfloat16(src[i]).bits) << "count " << count << ", value " << i << " (bits 0x" << std::hex
                                                  << bits[i] << ")";
    for (size_t i = count; i < dst.size(); ++i)
      ASSERT_EQ(dst[i], kBf16Sentinel) << "count " << count << ": wrote " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Bf16Convert, Bf16ConvertTest,
                         ::testing::Values(BgemmPath::scalar, BgemmPath::avx2, BgemmPath::avx512,
                                           BgemmPath::avx512_bf16, BgemmPath::amx),
                         [](const ::testing::TestParamInfo<BgemmPath>& p) {
                           return std::string(bgemm_path_name(p.param));
                         });

}  // namespace
}  // namespace xenc
