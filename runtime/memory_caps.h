// Caps on the memory a session takes, so that a model or a batch needing more
// than allowed (or than the machine has) fails with an error naming the
// tensor instead of an out-of-memory kill.
#pragma once

#include <cstdint>
#include <string>

#include "graph/tensor.h"

namespace xenc {

struct MemoryCaps {
  uint64_t tensor_bytes = 0;  // any one tensor: initializer, input or computed value
  uint64_t arena_bytes = 0;   // the computed values of one run together
  // 0 in a field means the memory this process may use.
  MemoryCaps resolved() const;
};

// Physical memory, or the cgroup's memory limit when that is lower.
uint64_t usable_memory_bytes();

// "512 B", "1.5 KiB", "4096 TiB": sizes in messages.
std::string byte_size_str(uint64_t bytes);

// tensor_bytes(), and an error naming the shape, the size and the cap when
// that exceeds `cap`.
uint64_t checked_tensor_bytes(DType dtype, const Shape& shape, uint64_t cap);
// The same for a tensor at hand, with `what` ("input 'ids'") leading the error.
void check_tensor_cap(const Tensor& tensor, uint64_t cap, const std::string& what);

}  // namespace xenc
