#include "ops/fast/sgemm.h"

#include <cblas.h>

#include <algorithm>
#include <cassert>
#include <limits>

namespace xenc {
namespace {

// The one place that sets OpenBLAS's thread count: its own threads would
// compete with the TBB workers each call runs on.
void keep_blas_single_threaded() {
  static const bool done = [] {
    openblas_set_num_threads(1);
    return true;
  }();
  (void)done;
}

blasint blas_int(int64_t v) {
  assert(v >= 0 && v <= std::numeric_limits<blasint>::max());
  return static_cast<blasint>(v);
}

void sgemm_call(const SgemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0) {  // BLAS rejects a zero leading dimension; C = beta * C
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j) g.c[i * g.ldc + j] = g.beta == 0 ? 0 : g.beta * g.c[i * g.ldc + j];
    return;
  }
  cblas_sgemm(CblasRowMajor, g.trans_a ? CblasTrans : CblasNoTrans, g.trans_b ? CblasTrans : CblasNoTrans,
              blas_int(g.m), blas_int(g.n), blas_int(g.k), g.alpha, g.a, blas_int(g.lda), g.b, blas_int(g.ldb), g.beta,
              g.c, blas_int(g.ldc));
}

// Rows [begin, end) of C: the matching rows of op(A).
SgemmArgs row_block(SgemmArgs g, int64_t begin, int64_t end) {
  g.a += g.trans_a ? begin : begin * g.lda;
  g.c += begin * g.ldc;
  g.m = end - begin;
  return g;
}

// Columns [begin, end) of C: the matching columns of op(B).
SgemmArgs column_block(SgemmArgs g, int64_t begin, int64_t end) {
  g.b += g.trans_b ? begin * g.ldb : begin;
  g.c += begin;
  g.n = end - begin;
  return g;
}

int64_t round_up(int64_t v, int64_t multiple) { return (v + multiple - 1) / multiple * multiple; }

}  // namespace

SgemmArgs dense_sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                      const float* b, float beta, float* c) {
  return SgemmArgs{trans_a, trans_b, m, n, k, alpha, a, trans_a ? m : k, b, trans_b ? k : n, beta, c, n};
}

SgemmSplit choose_sgemm_split(int64_t m, int64_t n, int64_t k, int64_t products) {
  // Measured with bench/gemm_bench.cpp (bench/RESULTS.md). Each block packs
  // the whole of the operand it does not split, so narrow blocks lose on
  // one thread: rows of 64 about 5%, 32 about 10%; columns of 128 about 5%
  // while A has few rows, but 25% or more for thousands of rows (A no longer
  // stays in cache between the blocks that repack it). Below kMinSplitWork
  // multiply-adds (about 10 us) a product is not worth cutting. The blocks of
  // all products should make kTasks tasks, as a power-of-two count of equal
  // blocks so that two threads get equal shares (3 blocks on 2 threads run
  // at 2/3 of the speed of 2 or 4).
  constexpr int64_t kTasks = 4;
  constexpr int64_t kMinSplitWork = 1024 * 1024;
  constexpr int64_t kMinRows = 64, kMinColumns = 128, kFewRows = 256;
  const int64_t wanted = (kTasks + products - 1) / std::max<int64_t>(products, 1);
  if (wanted <= 1 || m * n * k < kMinSplitWork) return {};
  const auto blocks_of = [&](int64_t extent, int64_t min_width) {
    int64_t blocks = 1;
    while (blocks * 2 <= wanted && extent / (blocks * 2) >= min_width) blocks *= 2;
    return blocks;
  };
  const int64_t row_blocks = blocks_of(m, kMinRows), column_blocks = blocks_of(n, kMinColumns);
  if (column_blocks > 1 && (m < kFewRows || row_blocks == 1))
    return {SgemmSplit::kColumns, round_up((n + column_blocks - 1) / column_blocks, 16)};
  if (row_blocks > 1) return {SgemmSplit::kRows, round_up((m + row_blocks - 1) / row_blocks, 8)};
  return {};
}

void sgemm(const SgemmArgs& args) {
  keep_blas_single_threaded();
  sgemm_call(args);
}

int64_t sgemm_blocks(const SgemmArgs& args, SgemmSplit split) {
  if (split.axis == SgemmSplit::kNone) return 1;
  const int64_t extent = split.axis == SgemmSplit::kRows ? args.m : args.n;
  return std::max<int64_t>(1, (extent + split.block - 1) / split.block);
}

void sgemm_block(const SgemmArgs& args, SgemmOffsets at, SgemmSplit split, int64_t block) {
  SgemmArgs g = args;
  g.a += at.a;
  g.b += at.b;
  g.c += at.c;
  const int64_t first = block * split.block;
  if (split.axis == SgemmSplit::kRows) g = row_block(g, first, std::min(g.m, first + split.block));
  if (split.axis == SgemmSplit::kColumns) g = column_block(g, first, std::min(g.n, first + split.block));
  sgemm(g);
}

void parallel_sgemm(const SgemmArgs& args) { sgemm_split(args, choose_sgemm_split(args.m, args.n, args.k, 1)); }

void sgemm_split(const SgemmArgs& args, SgemmSplit split) {
  sgemm_tasks(args, 1, [](int64_t) { return SgemmOffsets{}; }, split);
}

}  // namespace xenc
