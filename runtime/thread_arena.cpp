#include "runtime/thread_arena.h"

#include <oneapi/tbb/task_scheduler_observer.h>
#include <sched.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace xenc {
namespace {

std::vector<int> allowed_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  return cpus;
}

bool pinning_enabled() {
  const char* setting = std::getenv("XENC_PIN_THREADS");
  return setting == nullptr || std::strcmp(setting, "0") != 0;
}

}  // namespace

// Worker slot i of the arena (slot 0 is the caller's) goes to allowed CPU
// i, wrapping around. A worker keeps its CPU when it leaves: its next
// wake-up is what the pinning is for.
class ThreadArena::WorkerPinning : public tbb::task_scheduler_observer {
 public:
  WorkerPinning(tbb::task_arena& arena, std::vector<int> cpus)
      : tbb::task_scheduler_observer(arena), cpus_(std::move(cpus)) {
    observe(true);
  }
  ~WorkerPinning() override { observe(false); }

  void on_scheduler_entry(bool is_worker) override {
    const int slot = tbb::this_task_arena::current_thread_index();
    if (!is_worker || slot < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpus_[static_cast<size_t>(slot) % cpus_.size()], &set);
    sched_setaffinity(0, sizeof set, &set);  // a refusal only costs speed
  }

 private:
  std::vector<int> cpus_;
};

ThreadArena::ThreadArena(size_t threads) : arena_(static_cast<int>(threads)) {
  std::vector<int> cpus = allowed_cpus();
  if (threads > 1 && cpus.size() > 1 && pinning_enabled()) {
    arena_.initialize();
    pinning_ = std::make_unique<WorkerPinning>(arena_, std::move(cpus));
  }
}

ThreadArena::~ThreadArena() = default;

ThreadArena& thread_arena(size_t threads) {
  static std::mutex mutex;
  // Never destroyed (see thread_arena.h); reachable, so not a leak.
  static auto* arenas = new std::map<size_t, ThreadArena*>();
  const std::lock_guard lock(mutex);
  ThreadArena*& arena = (*arenas)[threads];
  if (!arena) arena = new ThreadArena(threads);
  return *arena;
}

}  // namespace xenc
