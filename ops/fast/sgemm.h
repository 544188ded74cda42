// Row-major float GEMM on OpenBLAS, split into oneTBB tasks:
// C = alpha * op(A) * op(B) + beta * C. OpenBLAS itself is kept
// single-threaded, so the caller's task_arena alone sets the thread count.
//
// OpenBLAS rounds an element of C differently depending on the shape of the
// call computing it (its tile position and blocking), so products are split
// by their shapes alone, never by the thread count: a model gives the same
// bits on 1 or 16 threads. For the same reason products are never stacked
// (the sequences of a batch are separate products), so equal sequences in
// one batch get equal results.
#pragma once

#include <cstdint>

#include "ops/fast/parallel.h"

namespace xenc {

struct SgemmArgs {
  bool trans_a = false, trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  float alpha = 1;
  const float* a = nullptr;  // M x K, or K x M when trans_a
  int64_t lda = 0;
  const float* b = nullptr;  // K x N, or N x K when trans_b
  int64_t ldb = 0;
  float beta = 0;            // as in BLAS, C is not read when beta is 0
  float* c = nullptr;        // M x N
  int64_t ldc = 0;
};

// Contiguous operands: leading dimensions from the shapes.
SgemmArgs dense_sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                      const float* b, float beta, float* c);

// Where one product of a batch reads and writes: element offsets added to
// SgemmArgs' a, b and c.
struct SgemmOffsets {
  int64_t a = 0, b = 0, c = 0;
};

// How each product is cut into tasks: blocks of `block` rows of C (kRows),
// blocks of `block` columns (kColumns), or none (kNone).
struct SgemmSplit {
  enum Axis { kNone, kRows, kColumns } axis = kNone;
  int64_t block = 0;
};

// The split of each of `products` M x N x K products: enough blocks for a
// few tasks in all, none narrower than OpenBLAS handles well
// (bench/gemm_bench.cpp).
SgemmSplit choose_sgemm_split(int64_t m, int64_t n, int64_t k, int64_t products);

// One product on this thread (inside a task that is already one of many).
void sgemm(const SgemmArgs& args);

// Block `block` of `split` of the product at `at`, on this thread.
void sgemm_block(const SgemmArgs& args, SgemmOffsets at, SgemmSplit split, int64_t block);
// How many blocks `split` cuts a product of args' shape into.
int64_t sgemm_blocks(const SgemmArgs& args, SgemmSplit split);

// Every block of `products` products of args' shape as oneTBB tasks (small
// ones grouped); product i is at offsets_of(i). Allocates nothing.
template <class OffsetsOf>
void sgemm_tasks(const SgemmArgs& args, int64_t products, OffsetsOf offsets_of, SgemmSplit split) {
  const int64_t blocks = sgemm_blocks(args, split);
  parallel_chunks(products * blocks, args.m * args.n * args.k / blocks, [&](int64_t begin, int64_t end) {
    for (int64_t task = begin; task < end; ++task) sgemm_block(args, offsets_of(task / blocks), split, task % blocks);
  });
}

// Products of args' shape, product i at offsets_of(i) (a callable
// int64_t -> SgemmOffsets), each split by choose_sgemm_split.
template <class OffsetsOf>
void parallel_sgemm(const SgemmArgs& args, int64_t products, OffsetsOf offsets_of) {
  sgemm_tasks(args, products, offsets_of, choose_sgemm_split(args.m, args.n, args.k, products));
}

// A single product.
void parallel_sgemm(const SgemmArgs& args);

// One product cut as `split` says (for benchmarks and tests).
void sgemm_split(const SgemmArgs& args, SgemmSplit split);

}  // namespace xenc
