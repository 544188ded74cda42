// ByteTrie: the prefix searches behind WordPiece and Unigram.
#include <gtest/gtest.h>

#include <random>

#include "runtime/tokenizer/byte_trie.h"

namespace xenc {
namespace {

using Matches = std::vector<std::pair<size_t, int32_t>>;

Matches prefixes(const ByteTrie& trie, std::string_view text) {
  Matches out;
  trie.for_each_prefix(text, [&](size_t length, int32_t value) { out.emplace_back(length, value); });
  return out;
}

TEST(ByteTrie, FindsEveryKeyThatPrefixesTheText) {
  const std::vector<std::string> keys = {"a", "ab", "abc", "b", "\xC3\xA9", "\xC3\xA9t\xC3\xA9", "\xE2\x96\x81", ""};
  std::vector<ByteTrie::Entry> entries;
  for (size_t i = 0; i < keys.size(); ++i) entries.push_back({keys[i], static_cast<int32_t>(i)});
  const ByteTrie trie(entries);
  EXPECT_EQ(prefixes(trie, "abcd"), (Matches{{1, 0}, {2, 1}, {3, 2}}));
  EXPECT_EQ(prefixes(trie, "ba"), (Matches{{1, 3}}));
  EXPECT_EQ(prefixes(trie, "\xC3\xA9t\xC3\xA9s"), (Matches{{2, 4}, {5, 5}}));
  EXPECT_EQ(prefixes(trie, "\xE2\x96\x81x"), (Matches{{3, 6}}));
  EXPECT_TRUE(prefixes(trie, "c").empty());
  EXPECT_TRUE(prefixes(trie, "").empty());  // the empty key is ignored
  EXPECT_EQ(trie.longest_prefix("abx"), (std::pair<size_t, int32_t>{2, 1}));
  EXPECT_EQ(trie.longest_prefix("xyz"), (std::pair<size_t, int32_t>{0, -1}));
  EXPECT_TRUE(prefixes(ByteTrie(), "abc").empty());
}

// Many keys with shared prefixes and high bytes exercise the radix sort's
// buckets and the binary search over sorted edges; a brute force is the reference.
TEST(ByteTrie, AgreesWithBruteForceOnRandomKeys) {
  std::mt19937 rng(42);
  const std::string alphabet = "ab\x80\xff";
  std::vector<std::string> keys;
  for (int i = 0; i < 3000; ++i) {
    std::string key(1 + rng() % 9, ' ');
    for (char& c : key) c = alphabet[rng() % alphabet.size()];
    keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::shuffle(keys.begin(), keys.end(), rng);
  std::vector<ByteTrie::Entry> entries;
  for (size_t i = 0; i < keys.size(); ++i) entries.push_back({keys[i], static_cast<int32_t>(i)});
  const ByteTrie trie(entries);
  for (int t = 0; t < 500; ++t) {
    std::string text(rng() % 12, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    Matches expected;
    for (size_t length = 1; length <= text.size(); ++length)
      for (size_t i = 0; i < keys.size(); ++i)
        if (keys[i] == std::string_view(text).substr(0, length)) expected.emplace_back(length, static_cast<int32_t>(i));
    ASSERT_EQ(prefixes(trie, text), expected) << t;
  }
}

}  // namespace
}  // namespace xenc
