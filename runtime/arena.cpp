#include "runtime/arena.h"

#include <atomic>
#include <cstdint>
#include <new>

namespace xenc {

namespace {
// Cache-line alignment suits every dtype and SIMD loads up to AVX-512.
constexpr std::align_val_t kAlignment{64};
constexpr size_t kSmallRequest = 4096;

std::shared_ptr<std::byte> new_block(size_t bytes) {
  auto* p = static_cast<std::byte*>(::operator new(bytes, kAlignment));
  return std::shared_ptr<std::byte>(p, [](std::byte* q) { ::operator delete(q, kAlignment); });
}
}  // namespace

Arena::Arena(const MemoryCaps& caps) : caps_(caps.resolved()) {}

Tensor Arena::allocate(DType dtype, const Shape& shape) {
  const size_t bytes = std::max<size_t>(checked_tensor_bytes(dtype, shape, caps_.tensor_bytes), 1);
  // A block far larger than the request would pin memory a shrinking
  // workload no longer needs; small requests may take any block.
  const size_t largest_fit = bytes < kSmallRequest ? SIZE_MAX : 2 * bytes;
  Block* best = nullptr;
  for (Block& b : blocks_) {
    if (b.memory.use_count() != 1 || b.bytes < bytes || b.bytes > largest_fit) continue;
    if (!best || b.bytes < best->bytes) best = &b;
  }
  // A block seen free was released by the last other holder's decrement
  // (acq_rel), possibly on another thread; use_count() reads relaxed, so
  // this fence orders that holder's accesses before our reuse.
  if (best) std::atomic_thread_fence(std::memory_order_acquire);
  if (!best) {
    if (reserved_bytes() + bytes > caps_.arena_bytes) release_idle();
    if (const size_t reserved = reserved_bytes(); reserved + bytes > caps_.arena_bytes)
      throw Error("the run's values would take " + byte_size_str(reserved + bytes) + ", more than the arena cap of " +
                  byte_size_str(caps_.arena_bytes));
    blocks_.push_back(Block{new_block(bytes), bytes});
    best = &blocks_.back();
  }
  best->used = true;
  return Tensor(dtype, shape, best->memory.get(), best->memory);
}

void Arena::release_idle() {
  std::erase_if(blocks_, [](const Block& b) { return b.memory.use_count() == 1; });
}

void Arena::end_run() {
  std::erase_if(blocks_, [](const Block& b) { return !b.used && b.memory.use_count() == 1; });
  for (Block& b : blocks_) b.used = false;
}

size_t Arena::reserved_bytes() const {
  size_t total = 0;
  for (const Block& b : blocks_) total += b.bytes;
  return total;
}

}  // namespace xenc
