// Offsets in one buffer for tensors whose sizes and lifetimes are known
// before a run: tensors alive at the same time never overlap, the others
// share bytes. Greedy by size, largest first, each at the lowest offset that
// fits between the tensors already placed whose lifetimes overlap its own
// (the strategy of TFLite's arena planner: close to the peak live bytes on
// transformer graphs).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace xenc {

struct BufferRequest {
  size_t bytes = 0;
  int first_step = 0;  // the step that writes it
  int last_step = 0;   // the last step that reads it (inclusive)
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // per request, multiples of the alignment
  size_t total_bytes = 0;
};

MemoryPlan plan_memory(std::span<const BufferRequest> requests, size_t alignment = 64);

}  // namespace xenc
