// The word -> ids cache of the BPE and Unigram models (HF keeps one per
// model too). Models are shared by concurrent encodes, so the cache is
// guarded; like HF's it skips itself instead of waiting when the lock is
// contended, and once full it stops growing rather than evicting.
#pragma once

#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/tokenizer/string_map.h"

namespace xenc {

class WordCache {
 public:
  // HF's defaults: 10,000 words, words of 256 bytes or more are not cached.
  static constexpr size_t kDefaultCapacity = 10000;
  static constexpr size_t kMaxWordBytes = 256;

  explicit WordCache(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // Appends the ids of `word`: the cached ones, or else those that
  // encode_word(word, ids) appends, which are then cached.
  template <typename EncodeWord>
  void encode(std::string_view word, std::vector<int32_t>& ids, EncodeWord&& encode_word) const {
    if (lookup(word, ids)) return;
    const size_t first = ids.size();
    encode_word(word, ids);
    store(word, std::span<const int32_t>(ids).subspan(first));
  }

 private:
  // Appends the cached ids of `word` to `out`; false on a miss.
  bool lookup(std::string_view word, std::vector<int32_t>& out) const {
    std::shared_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    auto it = words_.find(word);
    if (it == words_.end()) return false;
    out.insert(out.end(), it->second.begin(), it->second.end());
    return true;
  }

  void store(std::string_view word, std::span<const int32_t> ids) const {
    if (word.size() >= kMaxWordBytes) return;
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock() || words_.size() >= capacity_) return;
    words_.emplace(std::string(word), std::vector<int32_t>(ids.begin(), ids.end()));
  }

  size_t capacity_;
  mutable std::shared_mutex mutex_;
  mutable StringMap<std::vector<int32_t>> words_;
};

}  // namespace xenc
