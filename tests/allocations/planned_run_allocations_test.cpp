// A planned run (session.h) allocates nothing on the heap but the outputs it
// returns. This binary replaces the global operator new to count calls, so
// it is kept apart from the other unit tests.
#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <new>

#include "runtime/session.h"
#include "tests/unit/test_data_feeds.h"

namespace {

std::atomic<bool> counting{false};
std::atomic<size_t> allocations{0};

void* counted_allocation(size_t bytes, size_t alignment) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  const size_t rounded = (std::max<size_t>(bytes, 1) + alignment - 1) / alignment * alignment;
  void* p = alignment <= alignof(std::max_align_t) ? std::malloc(bytes ? bytes : 1) : std::aligned_alloc(alignment, rounded);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(size_t bytes) { return counted_allocation(bytes, alignof(std::max_align_t)); }
void* operator new[](size_t bytes) { return counted_allocation(bytes, alignof(std::max_align_t)); }
void* operator new(size_t bytes, std::align_val_t a) { return counted_allocation(bytes, static_cast<size_t>(a)); }
void* operator new[](size_t bytes, std::align_val_t a) { return counted_allocation(bytes, static_cast<size_t>(a)); }
// The nothrow forms too: every allocation form must come from this file so
// that every deallocation (std::free below) matches it.
void* operator new(size_t bytes, const std::nothrow_t&) noexcept {
  try {
    return counted_allocation(bytes, alignof(std::max_align_t));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](size_t bytes, const std::nothrow_t& tag) noexcept { return operator new(bytes, tag); }
void* operator new(size_t bytes, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return counted_allocation(bytes, static_cast<size_t>(a));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](size_t bytes, std::align_val_t a, const std::nothrow_t& tag) noexcept {
  return operator new(bytes, a, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }

namespace xenc {
namespace {

namespace fs = std::filesystem;

TEST(PlannedRun, AllocatesOnlyTheReturnedOutputs) {
  const fs::path dir = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "real_exports" / "bert_opset17";
  const auto session = Session::load(dir / "model.onnx");
  const auto feeds = test::read_test_feeds(dir / "test_data_set_3");
  // One thread: kernels keep per-thread scratch that grows on a thread's
  // first task of a kind, and which worker gets which task varies, so with
  // more threads a warm-up could not be sure to have reached every one.
  tbb::task_arena one_thread(1);
  std::vector<Tensor> results;
  one_thread.execute([&] {
    for (int warm_up = 0; warm_up < 3; ++warm_up) session->run(feeds);  // arena, recording, first planned run
    allocations = 0;
    counting = true;
    results = session->run(feeds);
    counting = false;
  });
  // The results vector, and per output its shape vector, its storage and the
  // storage's reference count.
  const size_t allowed = 1 + 3 * results.size();
  EXPECT_LE(allocations.load(), allowed) << "a planned run of " << session->graph().nodes.size() << " nodes";
}

}  // namespace
}  // namespace xenc
