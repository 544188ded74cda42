// The rate of a repeated piece of work, for the kernel benches.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>

namespace xenc::bench {

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
