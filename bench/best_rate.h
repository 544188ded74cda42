// The rate of a repeated piece of work, for the kernel benches.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>

namespace xenc::bench {

struct GemmShape {
  int64_t m, n, k;
};

// The work of an M x N x K product, a multiply-add counting 2.
inline double gemm_flops(const GemmShape& s) { return 2.0 * static_cast<double>(s.m * s.n * s.k); }

// The best rate, in giga-units of `work` per second, of repeated runs over
// at least `seconds` (and at least five), after one warm-up: on a shared
// machine other processes only ever slow a run down.
inline double best_rate(double work, double seconds, const std::function<void()>& run) {
  using Clock = std::chrono::steady_clock;
  run();
  double best = 0;
  int runs = 0;
  const auto start = Clock::now();
  while (runs++ < 5 || std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    const auto t0 = Clock::now();
    run();
    best = std::max(best, work / std::chrono::duration<double>(Clock::now() - t0).count() * 1e-9);
  }
  return best;
}

}  // namespace xenc::bench
