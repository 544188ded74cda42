// Splitting a kernel's work into oneTBB tasks. The thread count is the
// caller's: tasks run in the current task_arena (all cores by default).
#pragma once

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>

namespace xenc {

// Work, in element operations, below which a task costs more to schedule
// (about a microsecond) than it saves.
constexpr int64_t kMinTaskWork = 32 * 1024;

// Calls body(begin, end) over [0, count) in chunks of at least
// kMinTaskWork / work_per_item items, in parallel when there is more than
// one chunk's worth.
template <class Body>
void parallel_chunks(int64_t count, int64_t work_per_item, Body body) {
  const int64_t grain = std::max<int64_t>(1, kMinTaskWork / std::max<int64_t>(1, work_per_item));
  if (count <= grain) {
    if (count > 0) body(int64_t{0}, count);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, count, grain),
                    [&](const tbb::blocked_range<int64_t>& r) { body(r.begin(), r.end()); });
}

}  // namespace xenc
