#include "runtime/memory_caps.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <optional>

#include "graph/error.h"

namespace xenc {

namespace {

// A cgroup limit file holds a byte count, or "max" (v2) or a huge number (v1) for none.
std::optional<uint64_t> cgroup_limit(const char* file) {
  std::ifstream in(file);
  uint64_t bytes = 0;
  if (!(in >> bytes) || bytes == 0) return std::nullopt;
  return bytes;
}

}  // namespace

uint64_t usable_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  uint64_t bytes = pages > 0 && page_size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size)
                                              : std::numeric_limits<uint64_t>::max();
  for (const char* file : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"})
    if (const auto limit = cgroup_limit(file)) bytes = std::min(bytes, *limit);
  return bytes;
}

MemoryCaps MemoryCaps::resolved() const {
  if (tensor_bytes != 0 && arena_bytes != 0) return *this;
  const uint64_t usable = usable_memory_bytes();
  return {tensor_bytes ? tensor_bytes : usable, arena_bytes ? arena_bytes : usable};
}

std::string byte_size_str(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double size = static_cast<double>(bytes);
  size_t unit = 0;
  while (size >= 1024 && unit + 1 < std::size(kUnits)) {
    size /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0 || size >= 100 || size == static_cast<double>(static_cast<uint64_t>(size)))
    std::snprintf(text, sizeof text, "%.0f %s", size, kUnits[unit]);
  else
    std::snprintf(text, sizeof text, "%.1f %s", size, kUnits[unit]);
  return text;
}

uint64_t checked_tensor_bytes(DType dtype, const Shape& shape, uint64_t cap) {
  const uint64_t bytes = tensor_bytes(dtype, shape);
  if (bytes > cap)
    throw Error("shape " + shape_str(shape) + " of " + dtype_name(dtype) + " needs " + byte_size_str(bytes) +
                ", more than the tensor cap of " + byte_size_str(cap));
  return bytes;
}

void check_tensor_cap(const Tensor& tensor, uint64_t cap, const std::string& what) {
  try {
    checked_tensor_bytes(tensor.dtype(), tensor.shape(), cap);
  } catch (const Error& e) {
    throw Error(what + ": " + e.what());
  }
}

}  // namespace xenc
