// sgemm throughput on this machine: one single-threaded OpenBLAS call, and
// xenc's oneTBB split (ops/fast/sgemm.h) with row or column blocks of
// several sizes, at 1 and 2 threads. The choices of choose_sgemm_split
// come from this table (bench/RESULTS.md).
//   xenc_bench_gemm [--quick]
#include <oneapi/tbb/task_arena.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench/best_rate.h"
#include "ops/fast/sgemm.h"

using Shape = xenc::bench::GemmShape;
using xenc::bench::best_rate;
using xenc::bench::gemm_flops;

int main(int argc, char** argv) {
  const double seconds = argc > 1 && std::strcmp(argv[1], "--quick") == 0 ? 0.1 : 0.5;
  const std::vector<Shape> shapes = {{4096, 384, 384}, {4096, 1536, 384}, {64, 384, 384},
                                     {128, 1536, 384}, {1, 384, 384},     {16, 1536, 384}};
  std::printf("%-18s %-24s %8s %8s\n", "M x N x K", "split", "1 thread", "2 threads");
  for (const Shape& s : shapes) {
    std::vector<float> a(static_cast<size_t>(s.m * s.k), 0.5f), b(static_cast<size_t>(s.k * s.n), 0.25f),
        c(static_cast<size_t>(s.m * s.n));
    const xenc::SgemmArgs args =
        xenc::dense_sgemm(false, false, s.m, s.n, s.k, 1.0f, a.data(), b.data(), 0.0f, c.data());
    const std::string dims = std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
    const auto row = [&](const std::string& what, const std::function<void()>& run) {
      double rate[2];
      for (int threads : {1, 2}) {
        tbb::task_arena arena(threads);
        rate[threads - 1] = best_rate(gemm_flops(s), seconds, [&] { arena.execute(run); });
      }
      std::printf("%-18s %-24s %8.1f %8.1f\n", dims.c_str(), what.c_str(), rate[0], rate[1]);
    };
    row("one call", [&] { xenc::sgemm_split(args, {}); });
    for (int64_t block : {16, 32, 64, 128, 256, 512, 1024, 2048})
      if (block < s.m)
        row("rows of " + std::to_string(block), [&] { xenc::sgemm_split(args, {xenc::SgemmSplit::kRows, block}); });
    for (int64_t block : {32, 64, 128, 192, 256, 384, 768})
      if (block < s.n)
        row("columns of " + std::to_string(block),
            [&] { xenc::sgemm_split(args, {xenc::SgemmSplit::kColumns, block}); });
    row("chosen", [&] { xenc::parallel_sgemm(args); });
  }
}
