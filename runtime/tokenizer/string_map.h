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
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringViewHash, std::equal_to<>>;

}  // namespace xenc
