// A read-only trie over the bytes of vocabulary pieces, used for the
// longest-match (WordPiece) and all-prefixes (Unigram) searches. Stored in
// flat arrays: a node's children are contiguous and sorted by byte, so a 250k
// piece vocabulary costs a few arrays instead of a million small allocations.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xenc {

class ByteTrie {
 public:
  struct Entry {
    std::string_view key;
    int32_t value;
  };

  ByteTrie() = default;
  // Keys must be unique (empty keys are ignored); they are copied, so they
  // need not outlive the constructor.
  explicit ByteTrie(std::vector<Entry> entries);

  // Calls visit(length, value) for every key that is a prefix of `text`, shortest first.
  template <typename Visit>
  void for_each_prefix(std::string_view text, Visit&& visit) const {
    if (nodes_.empty()) return;
    uint32_t node = kRoot;
    for (size_t i = 0; i < text.size(); ++i) {
      node = child(node, static_cast<uint8_t>(text[i]));
      if (node == kNone) return;
      if (nodes_[node].value >= 0) visit(i + 1, nodes_[node].value);
    }
  }

  // The longest key that is a prefix of `text`: {length, value}, or {0, -1} when none is.
  std::pair<size_t, int32_t> longest_prefix(std::string_view text) const {
    std::pair<size_t, int32_t> best{0, -1};
    for_each_prefix(text, [&](size_t length, int32_t value) { best = {length, value}; });
    return best;
  }

 private:
  static constexpr uint32_t kRoot = 0;
  static constexpr uint32_t kNone = UINT32_MAX;

  struct Node {
    uint32_t first_edge = 0;
    uint32_t edge_count = 0;
    int32_t value = -1;  // -1: no key ends here
  };

  void build(const std::vector<Entry>& sorted);

  uint32_t child(uint32_t node, uint8_t byte) const {
    if (node == kRoot) return root_children_[byte];
    const Node& n = nodes_[node];
    const auto begin = edge_bytes_.begin() + n.first_edge;
    const auto end = begin + n.edge_count;
    const auto it = std::lower_bound(begin, end, byte);
    if (it == end || *it != byte) return kNone;
    return edge_targets_[static_cast<size_t>(it - edge_bytes_.begin())];
  }

  std::vector<Node> nodes_;
  std::vector<uint8_t> edge_bytes_;
  std::vector<uint32_t> edge_targets_;
  std::array<uint32_t, 256> root_children_{};  // direct table: every search starts at the root
};

}  // namespace xenc
