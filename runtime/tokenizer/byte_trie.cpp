#include "runtime/tokenizer/byte_trie.h"

#include <array>

namespace xenc {

namespace {

// Sorts the (unique) keys bytewise: an MSD radix sort, since a comparison sort
// of 250k pieces spends most of its time re-comparing shared prefixes.
void sort_keys(std::vector<ByteTrie::Entry>& entries) {
  struct Range {
    size_t lo, hi, depth;  // entries[lo, hi) share their first `depth` bytes
  };
  constexpr size_t kSmall = 32;
  std::vector<ByteTrie::Entry> scratch(entries.size());
  std::vector<Range> pending{{0, entries.size(), 0}};
  while (!pending.empty()) {
    // Plain variables, not a structured binding: the lambdas below capture
    // `depth`, which clang before 16 cannot do with a binding.
    const Range range = pending.back();
    pending.pop_back();
    const size_t lo = range.lo, hi = range.hi, depth = range.depth;
    if (hi - lo < kSmall) {
      // char_traits<char> compares as unsigned bytes, matching the edge order.
      std::sort(entries.begin() + static_cast<std::ptrdiff_t>(lo), entries.begin() + static_cast<std::ptrdiff_t>(hi),
                [depth](const ByteTrie::Entry& a, const ByteTrie::Entry& b) {
                  return a.key.substr(depth) < b.key.substr(depth);
                });
      continue;
    }
    // Bucket 0 holds the key that ends here (at most one), bucket b + 1 the keys with byte b next.
    auto bucket = [depth](const ByteTrie::Entry& e) {
      return e.key.size() == depth ? 0 : static_cast<size_t>(static_cast<unsigned char>(e.key[depth])) + 1;
    };
    std::array<size_t, 258> start{};
    for (size_t i = lo; i < hi; ++i) ++start[bucket(entries[i]) + 1];
    start[0] = lo;
    for (size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
    std::array<size_t, 258> next = start;
    for (size_t i = lo; i < hi; ++i) scratch[next[bucket(entries[i])]++] = entries[i];
    std::copy(scratch.begin() + static_cast<std::ptrdiff_t>(lo), scratch.begin() + static_cast<std::ptrdiff_t>(hi),
              entries.begin() + static_cast<std::ptrdiff_t>(lo));
    for (size_t b = 1; b < 257; ++b)
      if (start[b + 1] - start[b] > 1) pending.push_back({start[b], start[b + 1], depth + 1});
  }
}

}  // namespace

ByteTrie::ByteTrie(std::vector<Entry> entries) {
  std::erase_if(entries, [](const Entry& e) { return e.key.empty(); });
  // The keys usually live in hash-map nodes all over the heap; sorting copies
  // packed into one buffer is several times faster (cache misses dominate).
  size_t bytes = 0;
  for (const Entry& e : entries) bytes += e.key.size();
  std::string packed;
  packed.reserve(bytes);
  for (Entry& e : entries) {
    const size_t at = packed.size();
    packed += e.key;
    e.key = std::string_view(packed).substr(at, e.key.size());
  }
  sort_keys(entries);
  root_children_.fill(kNone);
  // Every node but the root is reached by one key byte: `bytes` bounds both arrays.
  nodes_.reserve(bytes + 1);
  edge_bytes_.reserve(bytes);
  edge_targets_.reserve(bytes);
  build(entries);
  nodes_.shrink_to_fit();
  edge_bytes_.shrink_to_fit();
  edge_targets_.shrink_to_fit();
  const Node& root = nodes_[kRoot];
  for (uint32_t e = root.first_edge; e < root.first_edge + root.edge_count; ++e)
    root_children_[edge_bytes_[e]] = edge_targets_[e];
}

void ByteTrie::build(const std::vector<Entry>& sorted) {
  // Work list instead of recursion: a pathological kilobyte-long piece must not exhaust the stack.
  struct Pending {
    uint32_t node;
    size_t lo, hi, depth;  // the keys sorted[lo, hi) share their first `depth` bytes
  };
  nodes_.emplace_back();
  std::vector<Pending> pending{{kRoot, 0, sorted.size(), 0}};
  while (!pending.empty()) {
    auto [node, lo, hi, depth] = pending.back();
    pending.pop_back();
    if (lo < hi && sorted[lo].key.size() == depth) nodes_[node].value = sorted[lo++].value;
    uint32_t groups = 0;
    for (size_t i = lo; i < hi; ++groups) {
      const char byte = sorted[i].key[depth];
      while (i < hi && sorted[i].key[depth] == byte) ++i;
    }
    // A node's edges are allocated together, so they stay contiguous and sorted.
    auto edge = static_cast<uint32_t>(edge_bytes_.size());
    nodes_[node].first_edge = edge;
    nodes_[node].edge_count = groups;
    edge_bytes_.resize(edge_bytes_.size() + groups);
    edge_targets_.resize(edge_targets_.size() + groups);
    for (size_t i = lo; i < hi; ++edge) {
      const char byte = sorted[i].key[depth];
      size_t end = i;
      while (end < hi && sorted[end].key[depth] == byte) ++end;
      const auto target = static_cast<uint32_t>(nodes_.size());
      nodes_.emplace_back();
      edge_bytes_[edge] = static_cast<uint8_t>(byte);
      edge_targets_[edge] = target;
      pending.push_back({target, i, end, depth + 1});
      i = end;
    }
  }
}

}  // namespace xenc
