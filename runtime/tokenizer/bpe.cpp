// Byte-pair encoding (RoBERTa, GPT-2 style byte-level vocabularies and
// others): a word starts as one symbol per character, then the pair with the
// best merge rank is merged until no mergeable pair is left. The merge loop
// follows HF's word.rs exactly, including its rule for skipping stale queue
// entries, so ties and duplicated merges resolve the same way.
#include <algorithm>
#include <unordered_map>

#include "graph/error.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/models.h"
#include "runtime/tokenizer/unicode.h"
#include "runtime/tokenizer/word_cache.h"

namespace xenc {

namespace {

using namespace json_access;

struct Merge {
  uint32_t rank;
  int32_t new_id;
};

uint64_t pair_key(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

struct BpeOptions {
  std::optional<std::string> unk_token;
  std::string continuing_subword_prefix;
  std::string end_of_word_suffix;
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;
};

class BpeModel final : public VocabularyModel {
 public:
  BpeModel(StringMap<int32_t> vocab, std::unordered_map<uint64_t, Merge> merges, BpeOptions options,
           std::string where)
      : VocabularyModel(std::move(vocab)),
        merges_(std::move(merges)),
        options_(std::move(options)),
        where_(std::move(where)),
        byte_ids_(this->vocab()) {
    if (options_.unk_token) unk_id_ = token_to_id(*options_.unk_token);
  }

  void tokenize(std::string_view word, std::vector<int32_t>& ids) const override {
    if (word.empty()) return;
    if (options_.ignore_merges) {
      if (auto id = token_to_id(word)) {
        ids.push_back(*id);
        return;
      }
    }
    cache_.encode(word, ids, [this](std::string_view w, std::vector<int32_t>& out) { merge_word(w, out); });
  }

 private:
  struct Symbol {
    int32_t id;
    int32_t prev;  // index of the previous live symbol, -1 at the start
    int32_t next;  // index of the next live symbol, -1 at the end
    uint32_t len;  // bytes covered; 0 marks a symbol merged into its left neighbour
  };

  struct QueuedMerge {
    uint32_t rank;
    uint32_t pos;
    int32_t new_id;
    // The std heap functions keep the largest on top: invert to pop the lowest rank, then the leftmost position.
    bool operator<(const QueuedMerge& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };

  const Merge* find_merge(int32_t left, int32_t right) const {
    auto it = merges_.find(pair_key(left, right));
    return it == merges_.end() ? nullptr : &it->second;
  }

  int32_t unk_id() const {
    if (!unk_id_) throw Error(path(where_, "unk_token") + ": '" + *options_.unk_token + "' is not in the vocabulary");
    return *unk_id_;
  }

  static void add_symbol(std::vector<Symbol>& symbols, int32_t id, uint32_t len) {
    const auto n = static_cast<int32_t>(symbols.size());
    if (n > 0) symbols.back().next = n;
    symbols.push_back({id, n - 1, -1, len});
  }

  // One symbol per character (with the prefix on non-initial characters and
  // the suffix on the last one); unknown characters become unk (fused when
  // fuse_unk) or, with byte_fallback, <0xXX> byte tokens.
  void initial_symbols(std::string_view word, std::vector<Symbol>& symbols) const {
    thread_local std::string key;
    int32_t unk_id_pending = -1;  // an unk symbol not yet added (it may grow with fuse_unk)
    uint32_t unk_len_pending = 0;
    auto flush_unk = [&] {
      if (unk_id_pending >= 0) add_symbol(symbols, unk_id_pending, unk_len_pending);
      unk_id_pending = -1;
    };
    for (size_t i = 0; i < word.size();) {
      size_t end = i;
      unicode::next_code_point(word, end);
      const size_t len = end - i;
      std::string_view s = word.substr(i, len);
      const bool is_first = i == 0;
      const bool is_last = end == word.size();
      i = end;
      if ((!is_first && !options_.continuing_subword_prefix.empty()) ||
          (is_last && !options_.end_of_word_suffix.empty())) {
        key.clear();
        if (!is_first) key += options_.continuing_subword_prefix;
        key += s;
        if (is_last) key += options_.end_of_word_suffix;
        s = key;
      }
      if (auto id = token_to_id(s)) {
        flush_unk();
        add_symbol(symbols, *id, static_cast<uint32_t>(len));
        continue;
      }
      // HF falls back on the bytes of the decorated character and does not flush a pending unk first.
      if (options_.byte_fallback && byte_ids_.covers(s)) {
        for (char c : s) add_symbol(symbols, byte_ids_[c], 1);
        continue;
      }
      if (!options_.unk_token) continue;  // no unk token: the character is dropped
      if (unk_id_pending >= 0 && options_.fuse_unk) {
        unk_len_pending += static_cast<uint32_t>(len);
        continue;
      }
      flush_unk();
      unk_id_pending = unk_id();
      unk_len_pending = static_cast<uint32_t>(len);
    }
    flush_unk();
  }

  void merge_word(std::string_view word, std::vector<int32_t>& ids) const {
    thread_local std::vector<Symbol> symbols;
    symbols.clear();
    initial_symbols(word, symbols);

    // A binary heap in a reused buffer (HF keeps a thread-local heap too).
    thread_local std::vector<QueuedMerge> queue;
    queue.clear();
    auto push = [](const QueuedMerge& m) {
      queue.push_back(m);
      std::push_heap(queue.begin(), queue.end());
    };
    for (size_t i = 0; i + 1 < symbols.size(); ++i)
      if (const Merge* m = find_merge(symbols[i].id, symbols[i + 1].id))
        push({m->rank, static_cast<uint32_t>(i), m->new_id});

    while (!queue.empty()) {
      std::pop_heap(queue.begin(), queue.end());
      const QueuedMerge top = queue.back();
      queue.pop_back();
      Symbol& left = symbols[top.pos];
      if (left.len == 0 || left.next == -1) continue;
      const auto right_pos = static_cast<size_t>(left.next);
      const Symbol right = symbols[right_pos];
      // A queued entry is stale when the pair at its position no longer yields the same token.
      const Merge* current = find_merge(left.id, right.id);
      if (current == nullptr || current->new_id != top.new_id) continue;

      left.id = top.new_id;
      left.len += right.len;
      left.next = right.next;
      symbols[right_pos].len = 0;
      if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = static_cast<int32_t>(top.pos);

      if (left.prev >= 0)
        if (const Merge* m = find_merge(symbols[static_cast<size_t>(left.prev)].id, left.id))
          push({m->rank, static_cast<uint32_t>(left.prev), m->new_id});
      if (left.next >= 0)
        if (const Merge* m = find_merge(left.id, symbols[static_cast<size_t>(left.next)].id))
          push({m->rank, top.pos, m->new_id});
    }
    for (const Symbol& s : symbols)
      if (s.len != 0) ids.push_back(s.id);
  }

  std::unordered_map<uint64_t, Merge> merges_;  // (left id, right id) -> rank, merged id
  BpeOptions options_;
  std::string where_;
  ByteFallbackIds byte_ids_;
  std::optional<int32_t> unk_id_;
  WordCache cache_;
};

// A merge is "left right" (the format of merges.txt, split on the one space)
// or a ["left", "right"] pair. `where` builds the path, for errors only.
template <typename Where>
std::pair<std::string_view, std::string_view> read_merge(const Json& j, Where&& where) {
  if (j.is_string()) {
    const std::string& line = j.get_ref<const std::string&>();
    const size_t space = line.find(' ');
    if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
      fail(where(), "expected \"left right\" with exactly one space, got \"" + line + "\"");
    return {std::string_view(line).substr(0, space), std::string_view(line).substr(space + 1)};
  }
  if (j.is_array() && j.size() == 2)
    return {as_string(j[0], [&] { return path(where(), size_t{0}); }),
            as_string(j[1], [&] { return path(where(), size_t{1}); })};
  fail_type(where(), "a \"left right\" string or a [left, right] pair", j);
}

}  // namespace

std::unique_ptr<TokenModel> make_bpe_model(const Json& j, const std::string& where) {
  require_object(j, where);
  if (const Json* dropout = optional_member(j, "dropout"); dropout && as_double(*dropout, path(where, "dropout")) != 0)
    fail(path(where, "dropout"), "BPE dropout is random; inference needs it null (or 0)");

  BpeOptions options;
  options.unk_token = optional_string(j, "unk_token", where);
  options.continuing_subword_prefix = optional_string(j, "continuing_subword_prefix", where).value_or("");
  options.end_of_word_suffix = optional_string(j, "end_of_word_suffix", where).value_or("");
  options.fuse_unk = bool_member(j, "fuse_unk", where, false);
  options.byte_fallback = bool_member(j, "byte_fallback", where, false);
  options.ignore_merges = bool_member(j, "ignore_merges", where, false);

  StringMap<int32_t> vocab = read_vocab_object(member(j, "vocab", where), path(where, "vocab"));
  const Json& merge_list = member(j, "merges", where);
  const std::string merges_where = path(where, "merges");
  if (!merge_list.is_array()) fail_type(merges_where, "an array", merge_list);

  std::string merged;
  auto id_of = [&](std::string_view token, const auto& at) {
    auto it = vocab.find(token);
    if (it == vocab.end()) fail(at(), "token '" + std::string(token) + "' is not in the vocabulary");
    return it->second;
  };
  const size_t prefix_len = options.continuing_subword_prefix.size();
  std::unordered_map<uint64_t, Merge> merges;
  merges.reserve(merge_list.size());
  uint32_t rank = 0;
  for (size_t i = 0; i < merge_list.size(); ++i) {
    // merges.txt headers carried over into the list are skipped, as HF does.
    if (merge_list[i].is_string() && merge_list[i].get_ref<const std::string&>().starts_with("#version")) continue;
    auto at = [&] { return path(merges_where, i); };
    const auto [left, right] = read_merge(merge_list[i], at);
    // The merged token drops the right side's continuing_subword_prefix.
    if (right.size() < prefix_len)
      fail(at(), "'" + std::string(right) + "' is shorter than the continuing_subword_prefix");
    const uint64_t key = pair_key(id_of(left, at), id_of(right, at));
    merged.assign(left);
    merged.append(right.substr(prefix_len));
    // A pair listed twice keeps its last rank, as HF's map does.
    merges.insert_or_assign(key, Merge{rank++, id_of(merged, at)});
  }
  return std::make_unique<BpeModel>(std::move(vocab), std::move(merges), std::move(options), where);
}

}  // namespace xenc
