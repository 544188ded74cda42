// The oneTBB task_arena a model runs in, with each of its worker threads
// kept on one CPU of the process's affinity mask (the calling thread is
// left alone).
//
// Why: an unpinned worker that slept through an idle spell is often queued
// on the CPU of the thread that wakes it, which is busy running the model,
// and waits there for the kernel's load balancer: measured on a 2-CPU
// virtual machine, 1 to 8 ms before the worker joined, so the first
// milliseconds of every request after a pause ran on one thread. Pinned,
// it joined in about 0.1 ms. XENC_PIN_THREADS=0 turns the pinning off.
//
// Arenas live as long as the process, one per thread count, shared by every
// model with that count (thread_arena()): oneTBB frees an observer's
// bookkeeping only once no worker refers to it any more, so destroying
// pinned arenas would leave some behind with each model.
#pragma once

#include <oneapi/tbb/task_arena.h>

#include <cstddef>
#include <memory>
#include <utility>

namespace xenc {

class ThreadArena {
 public:
  ThreadArena(const ThreadArena&) = delete;
  ThreadArena& operator=(const ThreadArena&) = delete;

  template <class F>
  auto execute(F&& f) {
    return arena_.execute(std::forward<F>(f));
  }
  size_t threads() const { return static_cast<size_t>(arena_.max_concurrency()); }

 private:
  friend ThreadArena& thread_arena(size_t threads);
  // threads: the arena's concurrency, the calling thread included (>= 1).
  explicit ThreadArena(size_t threads);
  ~ThreadArena();

  class WorkerPinning;
  tbb::task_arena arena_;
  std::unique_ptr<WorkerPinning> pinning_;
};

// The process's arena of `threads` threads (>= 1), made on first use.
ThreadArena& thread_arena(size_t threads);

}  // namespace xenc
