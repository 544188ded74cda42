// parallel_sgemm and its splits against a double-precision triple loop, on
// odd shapes, every transpose, strided operands and a guard band in C.
#include "ops/fast/sgemm.h"

#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace xenc {
namespace {

constexpr float kSentinel = -777.25f;

std::vector<float> random_values(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

struct Case {
  int64_t m, n, k;
  bool trans_a, trans_b;
  float alpha, beta;
  std::string str() const {
    return std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) + (trans_a ? " A^T" : "") +
           (trans_b ? " B^T" : "") + " alpha " + std::to_string(alpha) + " beta " + std::to_string(beta);
  }
};

// Runs the case with leading dimensions 3 wider than needed (C's extra
// columns hold sentinels) through `split`, and checks every element.
void check(const Case& c, SgemmSplit split) {
  const int64_t a_rows = c.trans_a ? c.k : c.m, a_cols = c.trans_a ? c.m : c.k;
  const int64_t b_rows = c.trans_b ? c.n : c.k, b_cols = c.trans_b ? c.k : c.n;
  const int64_t lda = a_cols + 3, ldb = b_cols + 3, ldc = c.n + 3;
  const std::vector<float> a = random_values(static_cast<size_t>(a_rows * lda), 1);
  const std::vector<float> b = random_values(static_cast<size_t>(b_rows * ldb), 2);
  std::vector<float> c_in = random_values(static_cast<size_t>(c.m * ldc), 3);
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = c.n; j < ldc; ++j) c_in[static_cast<size_t>(i * ldc + j)] = kSentinel;
  std::vector<float> out = c_in;
  SgemmArgs args{c.trans_a, c.trans_b, c.m, c.n, c.k, c.alpha, a.data(), lda, b.data(), ldb, c.beta, out.data(), ldc};
  sgemm_split(args, split);
  const std::string what = c.str() + ", split axis " + std::to_string(split.axis) + " block " + std::to_string(split.block);
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      const float got = out[static_cast<size_t>(i * ldc + j)];
      if (j >= c.n) {
        ASSERT_EQ(got, kSentinel) << what << ": wrote C(" << i << ", " << j << ") past the row";
        continue;
      }
      double want = c.beta == 0 ? 0.0 : double{c.beta} * c_in[static_cast<size_t>(i * ldc + j)];
      for (int64_t p = 0; p < c.k; ++p) {
        const float av = c.trans_a ? a[static_cast<size_t>(p * lda + i)] : a[static_cast<size_t>(i * lda + p)];
        const float bv = c.trans_b ? b[static_cast<size_t>(j * ldb + p)] : b[static_cast<size_t>(p * ldb + j)];
        want += double{c.alpha} * av * bv;
      }
      ASSERT_NEAR(got, want, 1e-5 * (1 + static_cast<double>(c.k))) << what << " at C(" << i << ", " << j << ")";
    }
  }
}

TEST(Sgemm, SplitsMatchTripleLoop) {
  tbb::task_arena two_threads(2);
  two_threads.execute([] {
    for (const auto& [m, n, k] : {std::tuple<int64_t, int64_t, int64_t>{1, 1, 1}, {7, 13, 5}, {33, 17, 64}, {100, 3, 50},
                                 {5, 200, 17}, {65, 130, 1}}) {
      for (bool trans_a : {false, true}) {
        for (bool trans_b : {false, true}) {
          for (const auto& [alpha, beta] : {std::pair<float, float>{1, 0}, {0.5f, 2}}) {
            const Case c{m, n, k, trans_a, trans_b, alpha, beta};
            for (SgemmSplit split : {SgemmSplit{}, SgemmSplit{SgemmSplit::kRows, 8}, SgemmSplit{SgemmSplit::kRows, 3},
                                     SgemmSplit{SgemmSplit::kColumns, 16}, SgemmSplit{SgemmSplit::kColumns, 5}})
              check(c, split);
          }
        }
      }
    }
  });
}

TEST(Sgemm, EmptyInnerDimensionScalesC) {
  check(Case{4, 5, 0, false, false, 1, 0}, {});
  check(Case{4, 5, 0, false, true, 1, 3}, {SgemmSplit::kRows, 2});
}

TEST(Sgemm, SplitsDependOnShapesOnly) {
  EXPECT_EQ(choose_sgemm_split(8, 8, 8, 1).axis, SgemmSplit::kNone);  // too small to be worth a task
  EXPECT_EQ(choose_sgemm_split(128, 1536, 384, 32).axis, SgemmSplit::kNone);  // the batch gives the tasks
  const SgemmSplit tall = choose_sgemm_split(4096, 384, 384, 1);
  EXPECT_EQ(tall.axis, SgemmSplit::kRows);
  EXPECT_GE(tall.block, 64);
  const SgemmSplit wide = choose_sgemm_split(16, 1536, 384, 1);
  EXPECT_EQ(wide.axis, SgemmSplit::kColumns);
  EXPECT_GE(wide.block, 128);
  // Whatever is chosen computes the right product.
  tbb::task_arena two_threads(2);
  two_threads.execute([] {
    for (const auto& [m, n] : {std::pair<int64_t, int64_t>{1, 1536}, {3, 700}, {129, 64}, {300, 300}})
      check(Case{m, n, 384, false, true, 1, 1}, choose_sgemm_split(m, n, 384, 1));
  });
}

// The same bits on 1 and 2 threads, and for equal products of one batch.
TEST(Sgemm, BatchesAreReproducible) {
  constexpr int64_t kProducts = 3, m = 77, n = 300, k = 96;
  std::vector<float> a = random_values(static_cast<size_t>(kProducts * m * k), 1);
  std::copy(a.begin(), a.begin() + m * k, a.begin() + 2 * m * k);  // product 2 repeats product 0
  const std::vector<float> b = random_values(static_cast<size_t>(k * n), 2);
  const auto run = [&](int threads) {
    std::vector<float> c(static_cast<size_t>(kProducts * m * n));
    tbb::task_arena(threads).execute([&] {
      parallel_sgemm(dense_sgemm(false, false, m, n, k, 1, a.data(), b.data(), 0, c.data()), kProducts,
                     [&](int64_t p) { return SgemmOffsets{p * m * k, 0, p * m * n}; });
    });
    return c;
  };
  const std::vector<float> one = run(1), two = run(2);
  EXPECT_EQ(one, two);
  EXPECT_TRUE(std::equal(one.begin(), one.begin() + m * n, one.begin() + 2 * m * n));
}

}  // namespace
}  // namespace xenc
