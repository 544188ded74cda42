// Reading A's uint8 values four at a time for the packed int8 kernels: a
// row's last group may be short, and is zero-filled rather than read past
// the row.
#pragma once

#include <cstdint>
#include <cstring>

namespace xenc {

// A's values p..p+3 of one row (of k) as the bytes of an int32, missing ones 0.
inline int32_t a_quad(const uint8_t* row, int64_t p, int64_t k) {
  uint8_t bytes[4] = {};
  std::memcpy(bytes, row + p, static_cast<size_t>(k - p >= 4 ? 4 : k - p));
  int32_t quad;
  std::memcpy(&quad, bytes, sizeof quad);
  return quad;
}

}  // namespace xenc
