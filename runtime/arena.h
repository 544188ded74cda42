// Per-run tensor memory. Blocks are reused by liveness: once the session
// drops a value after its last use, its block is free again (no one else
// holds it) and the next allocation takes the smallest free block that
// fits. A block that escapes as a returned output simply stays busy.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "graph/tensor.h"

namespace xenc {

class Arena {
 public:
  Tensor allocate(DType dtype, const Shape& shape);
  // Bytes in all blocks, busy or free (for tests and memory reports).
  size_t reserved_bytes() const;
  size_t block_count() const { return blocks_.size(); }

 private:
  struct Block {
    std::shared_ptr<std::byte> memory;
    size_t bytes;
  };
  std::vector<Block> blocks_;
};

}  // namespace xenc
