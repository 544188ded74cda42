// A string-keyed hash map that can be queried with a std::string_view, so
// vocabulary lookups on slices of the input never allocate.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace xenc {

struct StringViewHash {
  using is_transparent = void;
  // Not noexcept on purpose: libstdc++ then caches each node's hash, so bucket
  // walks compare cached hashes instead of re-hashing keys (~3% faster encode).
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringViewHash, std::equal_to<>>;

}  // namespace xenc
