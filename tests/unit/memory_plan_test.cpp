// plan_memory: tensors alive together never overlap; tensors that are not
// share bytes.
#include <gtest/gtest.h>

#include <random>

#include "runtime/memory_plan.h"

namespace xenc {
namespace {

bool overlap_in_time(const BufferRequest& a, const BufferRequest& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

void expect_valid(std::span<const BufferRequest> requests, const MemoryPlan& plan, size_t alignment) {
  ASSERT_EQ(plan.offsets.size(), requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(plan.offsets[i] % alignment, 0u) << i;
    EXPECT_LE(plan.offsets[i] + requests[i].bytes, plan.total_bytes) << i;
    for (size_t j = i + 1; j < requests.size(); ++j) {
      if (!overlap_in_time(requests[i], requests[j]) || requests[i].bytes == 0 || requests[j].bytes == 0) continue;
      const bool apart = plan.offsets[i] + requests[i].bytes <= plan.offsets[j] ||
                         plan.offsets[j] + requests[j].bytes <= plan.offsets[i];
      EXPECT_TRUE(apart) << "requests " << i << " and " << j << " overlap";
    }
  }
}

TEST(MemoryPlan, AChainReusesTwoBuffers) {
  // x0 -> x1 -> x2 -> x3, each read only by the next step: two buffers suffice.
  const std::vector<BufferRequest> chain = {{1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}, {1000, 3, 4}};
  const MemoryPlan plan = plan_memory(chain, 64);
  expect_valid(chain, plan, 64);
  EXPECT_EQ(plan.total_bytes, 2 * 1024u);
}

TEST(MemoryPlan, LongLivedTensorsKeepTheirBytes) {
  const std::vector<BufferRequest> requests = {{4096, 0, 10}, {128, 1, 2}, {256, 2, 3}, {128, 3, 4}, {512, 4, 10}};
  const MemoryPlan plan = plan_memory(requests, 64);
  expect_valid(requests, plan, 64);
  // At step 4 the 4096, the 512 and the second 128 are alive together.
  EXPECT_EQ(plan.total_bytes, 4096u + 512u + 128u);
}

TEST(MemoryPlan, RandomLifetimesNeverOverlap) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<BufferRequest> requests(40);
    size_t peak_live = 0;
    for (BufferRequest& r : requests) {
      r.first_step = static_cast<int>(rng() % 30);
      r.last_step = r.first_step + static_cast<int>(rng() % 8);
      r.bytes = rng() % 5000;
    }
    for (int step = 0; step < 40; ++step) {
      size_t live = 0;
      for (const BufferRequest& r : requests)
        if (r.first_step <= step && step <= r.last_step) live += (r.bytes + 63) / 64 * 64;
      peak_live = std::max(peak_live, live);
    }
    const MemoryPlan plan = plan_memory(requests, 64);
    expect_valid(requests, plan, 64);
    EXPECT_GE(plan.total_bytes, peak_live);  // no plan beats the peak of live bytes
  }
}

}  // namespace
}  // namespace xenc
