#include "runtime/thread_arena.h"

#include <gtest/gtest.h>
#include <oneapi/tbb/parallel_for.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace xenc {
namespace {

size_t allowed_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  return sched_getaffinity(0, sizeof set, &set) == 0 ? static_cast<size_t>(CPU_COUNT(&set)) : 0;
}

// The CPU count of the affinity mask of a worker thread of the arena, or 0
// when no worker turned up within 10 s. The caller holds on to its half of
// the work until a worker has taken the other.
int worker_mask_size(ThreadArena& arena) {
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> size{0};
  arena.execute([&] {
    tbb::parallel_for(
        0, 2,
        [&](int) {
          if (std::this_thread::get_id() == caller) {
            const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (size == 0 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
            return;
          }
          cpu_set_t set;
          CPU_ZERO(&set);
          if (sched_getaffinity(0, sizeof set, &set) == 0) size = CPU_COUNT(&set);
        },
        tbb::simple_partitioner());
  });
  return size;
}

TEST(ThreadArena, PinsEachWorkerToOneCpu) {
  if (allowed_cpu_count() < 2) GTEST_SKIP() << "this process may use one CPU only: nothing to pin workers to";
  ThreadArena& arena = thread_arena(2);
  EXPECT_EQ(arena.threads(), 2u);
  EXPECT_EQ(&thread_arena(2), &arena);  // one per thread count
  EXPECT_EQ(worker_mask_size(arena), 1);
}

}  // namespace
}  // namespace xenc
