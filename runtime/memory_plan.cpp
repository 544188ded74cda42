#include "runtime/memory_plan.h"

#include <algorithm>
#include <numeric>

namespace xenc {

MemoryPlan plan_memory(std::span<const BufferRequest> requests, size_t alignment) {
  const auto aligned = [&](size_t bytes) { return (bytes + alignment - 1) / alignment * alignment; };
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::ranges::stable_sort(order, std::greater<>{}, [&](size_t i) { return requests[i].bytes; });

  MemoryPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<size_t> placed;
  struct Span {
    size_t begin, end;
  };
  std::vector<Span> busy;
  for (size_t i : order) {
    const BufferRequest& r = requests[i];
    const size_t bytes = aligned(r.bytes);
    // Byte ranges of placed tensors that are alive at some step of r's lifetime.
    busy.clear();
    for (size_t j : placed) {
      const BufferRequest& o = requests[j];
      if (o.first_step <= r.last_step && r.first_step <= o.last_step)
        busy.push_back({plan.offsets[j], plan.offsets[j] + aligned(o.bytes)});
    }
    std::ranges::sort(busy, {}, &Span::begin);
    size_t offset = 0;
    for (const Span& s : busy) {
      if (s.begin >= offset + bytes) break;  // the gap before s fits
      offset = std::max(offset, s.end);
    }
    plan.offsets[i] = offset;
    plan.total_bytes = std::max(plan.total_bytes, offset + bytes);
    placed.push_back(i);
  }
  return plan;
}

}  // namespace xenc
