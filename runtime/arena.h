// Per-run tensor memory. Blocks are reused by liveness: once the session
// drops a value after its last use, its block is free again (no one else
// holds it) and the next allocation takes the smallest free block that
// fits, unless that block is more than twice the request. A block that
// escapes as a returned output simply stays busy.
//
// Memory follows the work: end_run() frees the blocks the run did not use,
// so after one large batch the arena shrinks back to what later, smaller
// runs need instead of only growing. Runs of shapes seen before reuse every
// block and allocate nothing.
//
// Caps (runtime/memory_caps.h): a tensor larger than the tensor cap, or a
// block that would take the arena past its cap, is an Error.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "graph/tensor.h"
#include "runtime/memory_caps.h"

namespace xenc {

class Arena {
 public:
  explicit Arena(const MemoryCaps& caps = {});
  Tensor allocate(DType dtype, const Shape& shape);
  // Called when a run is over: frees idle blocks that this run did not use.
  void end_run();
  // Frees every idle block.
  void release_idle();
  // Bytes in all blocks, busy or free (for tests and memory reports).
  size_t reserved_bytes() const;
  size_t block_count() const { return blocks_.size(); }

 private:
  struct Block {
    std::shared_ptr<std::byte> memory;
    size_t bytes;
    bool used = true;  // handed out since the last end_run()
  };
  MemoryCaps caps_;
  std::vector<Block> blocks_;
};

}  // namespace xenc
