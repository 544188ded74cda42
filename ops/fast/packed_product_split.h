// How the packed GEMM ops (PackedMatMul, QuantizedMatMul) cut an M x N
// product against panels of 16 columns into oneTBB tasks: blocks of rows
// whose slice of A stays in L2 while the task's panels pass over it, times
// groups of panels, several tasks per thread so that uneven blocks still
// balance. The split only balances the work: the kernels give the same
// results however a product is cut.
#pragma once

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cstdint>

#include "ops/fast/parallel.h"

namespace xenc {

struct PackedProductTask {
  int64_t first_row, rows;
  int64_t first_panel, panels;
};

// Calls body(task) over an m-row product against `panels` panels whose A
// rows take row_bytes each; on the calling thread alone when the product
// (work = m * n * k) is too small to be worth waking others. With
// whole_rows, every task takes all the panels (a product whose rows are
// finished inside the task, such as one quantizing its output rows).
template <class Body>
void for_each_packed_product_task(int64_t m, int64_t panels, int64_t row_bytes, int64_t work, Body body,
                                  bool whole_rows = false) {
  const auto ceil_div = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  if (work <= kMinTaskWork * 32) {  // a few tens of microseconds
    body(PackedProductTask{0, m, 0, panels});
    return;
  }
  // A multiple of every kernel's tile height (12 and 6).
  constexpr int64_t kBlockBytes = 384 * 1024, kTileRows = 12;
  const int64_t wanted = 4 * tbb::this_task_arena::max_concurrency();
  int64_t row_block = std::max(kTileRows, kBlockBytes / std::max<int64_t>(1, row_bytes) / kTileRows * kTileRows);
  // Whole rows: the rows alone make the tasks, so the blocks shrink until there are enough.
  if (whole_rows) row_block = std::min(row_block, std::max(kTileRows, ceil_div(ceil_div(m, wanted), kTileRows) * kTileRows));
  const int64_t row_blocks = ceil_div(m, row_block);
  // Panels go in pairs, the widest tile of the AVX-512 kernels.
  const int64_t groups = whole_rows ? 1 : std::clamp<int64_t>(ceil_div(wanted, row_blocks), 1, ceil_div(panels, 2));
  const int64_t group = ceil_div(ceil_div(panels, groups), 2) * 2;
  const int64_t panel_groups = ceil_div(panels, group);
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, row_blocks * panel_groups, 1),
                    [&](const tbb::blocked_range<int64_t>& tasks) {
                      for (int64_t task = tasks.begin(); task < tasks.end(); ++task) {
                        const int64_t first_row = task / panel_groups * row_block;
                        const int64_t first_panel = task % panel_groups * group;
                        body(PackedProductTask{first_row, std::min(row_block, m - first_row), first_panel,
                                               std::min(group, panels - first_panel)});
                      }
                    });
}

}  // namespace xenc
