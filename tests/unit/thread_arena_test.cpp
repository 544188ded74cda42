#include "runtime/thread_arena.h"

#include <gtest/gtest.h>
#include <oneapi/tbb/parallel_for.h>
#include <sched.h>

#include <mutex>
#include <set>
#include <thread>

namespace xenc {
namespace {

size_t allowed_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  return sched_getaffinity(0, sizeof set, &set) == 0 ? static_cast<size_t>(CPU_COUNT(&set)) : 0;
}

// The CPU counts of the affinity masks of the arena's worker threads.
std::set<int> worker_mask_sizes(ThreadArena& arena) {
  const std::thread::id caller = std::this_thread::get_id();
  std::mutex mutex;
  std::set<int> sizes;
  // Enough separate tasks that a worker surely takes some.
  for (int round = 0; round < 50 && sizes.empty(); ++round)
    arena.execute([&] {
      tbb::parallel_for(0, 64, [&](int) {
        if (std::this_thread::get_id() == caller) return;
        cpu_set_t set;
        CPU_ZERO(&set);
        ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
        const std::lock_guard lock(mutex);
        sizes.insert(CPU_COUNT(&set));
      });
    });
  return sizes;
}

TEST(ThreadArena, PinsEachWorkerToOneCpu) {
  if (allowed_cpu_count() < 2) GTEST_SKIP() << "this process may use one CPU only: nothing to pin workers to";
  ThreadArena arena(2);
  EXPECT_EQ(arena.threads(), 2u);
  EXPECT_EQ(worker_mask_sizes(arena), std::set<int>{1});
}

}  // namespace
}  // namespace xenc
