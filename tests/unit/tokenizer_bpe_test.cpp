// BPE model. Expected ids were obtained from HF tokenizers 0.23.3 by loading
// the same "model" section in a tokenizer.json with a WhitespaceSplit
// pre-tokenizer and no post-processor: Tokenizer.from_str(...).encode(word).ids
#include <gtest/gtest.h>

#include <thread>

#include "graph/error.h"
#include "runtime/tokenizer/components.h"

namespace xenc {
namespace {

using nlohmann::json;
using Ids = std::vector<int32_t>;

Ids ids(const TokenModel& model, std::string_view word) {
  Ids out;
  model.tokenize(word, out);
  return out;
}

std::unique_ptr<TokenModel> bpe(const json& j) { return make_model(j, "tokenizer.json: model"); }

std::string error_of(const json& j) {
  try {
    bpe(j);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Bpe, MergesByRank) {
  auto m = bpe({{"type", "BPE"},
                {"vocab",
                 {{"u", 0}, {"n", 1}, {"r", 2}, {"e", 3}, {"l", 4}, {"a", 5}, {"t", 6}, {"d", 7}, {"re", 8},
                  {"at", 9}, {"ed", 10}, {"un", 11}, {"ated", 12}, {"rel", 13}, {"related", 14}, {"unrelated", 15}}},
                {"merges", {"r e", "a t", "e d", "u n", "at ed", "re l", "rel ated", "un related"}}});
  EXPECT_EQ(ids(*m, "unrelated"), (Ids{15}));
  EXPECT_EQ(ids(*m, "related"), (Ids{14}));
  EXPECT_EQ(ids(*m, "tad"), (Ids{6, 5, 7}));
  EXPECT_EQ(ids(*m, "nu"), (Ids{1, 0}));
  EXPECT_EQ(ids(*m, "unre"), (Ids{11, 8}));
  // The word cache must give the same answer the second time.
  EXPECT_EQ(ids(*m, "unre"), (Ids{11, 8}));
}

TEST(Bpe, EqualRanksMergeLeftmostFirst) {
  auto m = bpe({{"type", "BPE"},
                {"vocab", {{"a", 0}, {"aa", 1}, {"aaa", 2}, {"b", 3}, {"ab", 4}}},
                {"merges", json::array({json::array({"a", "a"}), json::array({"a", "b"}), json::array({"aa", "a"})})}});
  EXPECT_EQ(ids(*m, "aaaa"), (Ids{1, 1}));
  EXPECT_EQ(ids(*m, "aaa"), (Ids{2}));
  EXPECT_EQ(ids(*m, "aaab"), (Ids{1, 4}));
  EXPECT_EQ(ids(*m, "aab"), (Ids{1, 3}));
  EXPECT_EQ(ids(*m, "aaaaa"), (Ids{1, 2}));
}

TEST(Bpe, TwoMergesYieldingTheSameToken) {
  auto m = bpe({{"type", "BPE"},
                {"vocab", {{"a", 0}, {"b", 1}, {"c", 2}, {"x", 3}, {"bc", 4}, {"ab", 5}, {"abc", 6}, {"xa", 7}, {"xab", 8}}},
                {"merges", {"b c", "x a", "a b", "ab c", "a bc", "xa b"}}});
  EXPECT_EQ(ids(*m, "abc"), (Ids{6}));
  EXPECT_EQ(ids(*m, "xabc"), (Ids{7, 4}));
  EXPECT_EQ(ids(*m, "abcabc"), (Ids{6, 6}));
  EXPECT_EQ(ids(*m, "xab"), (Ids{8}));
}

TEST(Bpe, UnknownCharacters) {
  json j = {{"type", "BPE"},
            {"unk_token", "<unk>"},
            {"vocab", {{"<unk>", 0}, {"a", 1}, {"b", 2}, {"ab", 3}}},
            {"merges", {"a b"}}};
  auto separate = bpe(j);
  EXPECT_EQ(ids(*separate, "accb"), (Ids{1, 0, 0, 2}));
  EXPECT_EQ(ids(*separate, "cc"), (Ids{0, 0}));
  EXPECT_EQ(ids(*separate, "abcab"), (Ids{3, 0, 3}));
  EXPECT_EQ(ids(*separate, "zab"), (Ids{0, 3}));
  j["fuse_unk"] = true;
  auto fused = bpe(j);
  EXPECT_EQ(ids(*fused, "accb"), (Ids{1, 0, 2}));
  EXPECT_EQ(ids(*fused, "cc"), (Ids{0}));
  EXPECT_EQ(ids(*fused, "abcab"), (Ids{3, 0, 3}));
}

TEST(Bpe, WithoutUnkTokenUnknownCharactersVanish) {
  auto m = bpe({{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}, {"ab", 2}}}, {"merges", {"a b"}}});
  EXPECT_EQ(ids(*m, "acb"), (Ids{2}));  // a and b become neighbours and merge
  EXPECT_TRUE(ids(*m, "ccc").empty());
}

TEST(Bpe, ByteFallback) {
  auto m = bpe({{"type", "BPE"},
                {"unk_token", "<unk>"},
                {"byte_fallback", true},
                {"fuse_unk", true},
                {"vocab", {{"<unk>", 0}, {"a", 1}, {"<0x63>", 2}, {"<0xC3>", 3}, {"<0xA9>", 4}, {"b", 5}}},
                {"merges", json::array()}});
  EXPECT_EQ(ids(*m, "acé"), (Ids{1, 2, 3, 4}));
  EXPECT_EQ(ids(*m, "aéb"), (Ids{1, 3, 4, 5}));
  EXPECT_EQ(ids(*m, "ad"), (Ids{1, 0}));
  // HF adds the byte tokens before flushing the pending unk of 'd'.
  EXPECT_EQ(ids(*m, "adéd"), (Ids{1, 3, 4, 0}));
  EXPECT_EQ(ids(*m, "dd"), (Ids{0}));
}

TEST(Bpe, ContinuingSubwordPrefixAndEndOfWordSuffix) {
  auto m = bpe({{"type", "BPE"},
                {"unk_token", "[UNK]"},
                {"continuing_subword_prefix", "##"},
                {"end_of_word_suffix", "</w>"},
                {"vocab",
                 {{"[UNK]", 0}, {"a", 1}, {"##b", 2}, {"##c</w>", 3}, {"ab", 4}, {"abc</w>", 5}, {"a</w>", 6},
                  {"##b</w>", 7}, {"c</w>", 8}, {"ab</w>", 9}}},
                {"merges", {"a ##b", "ab ##c</w>", "a ##b</w>"}}});
  EXPECT_EQ(ids(*m, "abc"), (Ids{5}));
  EXPECT_EQ(ids(*m, "a"), (Ids{6}));
  EXPECT_EQ(ids(*m, "ab"), (Ids{9}));
  EXPECT_EQ(ids(*m, "abb"), (Ids{4, 7}));
  EXPECT_EQ(ids(*m, "c"), (Ids{8}));
  EXPECT_EQ(ids(*m, "cb"), (Ids{0, 7}));
}

TEST(Bpe, IgnoreMergesTakesWholeWordsFromTheVocabulary) {
  json j = {{"type", "BPE"},
            {"ignore_merges", true},
            {"vocab", {{"a", 0}, {"b", 1}, {"c", 2}, {"abc", 3}, {"ab", 4}, {"bc", 5}}},
            {"merges", {"b c"}}};
  auto ignoring = bpe(j);
  EXPECT_EQ(ids(*ignoring, "abc"), (Ids{3}));
  EXPECT_EQ(ids(*ignoring, "ab"), (Ids{4}));
  EXPECT_EQ(ids(*ignoring, "abcabc"), (Ids{0, 5, 0, 5}));
  j["ignore_merges"] = false;
  auto merging = bpe(j);
  EXPECT_EQ(ids(*merging, "abc"), (Ids{0, 5}));
  EXPECT_EQ(ids(*merging, "ab"), (Ids{0, 1}));
}

TEST(Bpe, MergeListDetails) {
  // A merges.txt header carried into the list is skipped.
  auto versioned = bpe({{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}, {"ab", 2}}}, {"merges", {"#version: 0.2", "a b"}}});
  EXPECT_EQ(ids(*versioned, "ab"), (Ids{2}));
  // A pair listed twice keeps its last rank: "b c" (rank 1) now goes before "a b" (rank 2).
  auto duplicated = bpe({{"type", "BPE"},
                         {"vocab", {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"bc", 4}}},
                         {"merges", {"a b", "b c", "a b"}}});
  EXPECT_EQ(ids(*duplicated, "abc"), (Ids{0, 4}));
}

TEST(Bpe, DropoutZeroIsDeterministicAndAccepted) {
  auto m = bpe({{"type", "BPE"}, {"dropout", 0.0}, {"vocab", {{"a", 0}}}, {"merges", json::array()}});
  EXPECT_EQ(ids(*m, "a"), (Ids{0}));
}

TEST(Bpe, FileErrors) {
  EXPECT_EQ(error_of({{"type", "BPE"}, {"vocab", {{"a", 0}}}, {"merges", {"a b c"}}}),
            "tokenizer.json: model.merges[0]: expected \"left right\" with exactly one space, got \"a b c\"");
  EXPECT_EQ(error_of({{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}}}, {"merges", {"a b"}}}),
            "tokenizer.json: model.merges[0]: token 'ab' is not in the vocabulary");
  EXPECT_EQ(error_of({{"type", "BPE"}, {"vocab", {{"a", 0}}}, {"merges", {json::array({"a"})}}}),
            "tokenizer.json: model.merges[0]: expected a \"left right\" string or a [left, right] pair, got array");
  EXPECT_EQ(error_of({{"type", "BPE"}, {"dropout", 0.1}, {"vocab", {{"a", 0}}}, {"merges", json::array()}}),
            "tokenizer.json: model.dropout: BPE dropout is random; inference needs it null (or 0)");
  EXPECT_EQ(error_of({{"type", "BPE"}, {"vocab", {{"a", 0}}}}), "tokenizer.json: model.merges: missing");
  EXPECT_EQ(error_of({{"type", "BPE"}, {"vocab", json::array()}, {"merges", json::array()}}),
            "tokenizer.json: model.vocab: expected an object of token -> id, got array");
  EXPECT_EQ(error_of({{"type", "Frobnicate"}}), "tokenizer.json: model.type: unknown model 'Frobnicate'");
}

TEST(Bpe, MissingUnkTokenIsAnErrorWhenUsed) {
  auto m = bpe({{"type", "BPE"}, {"unk_token", "<unk>"}, {"vocab", {{"a", 0}}}, {"merges", json::array()}});
  EXPECT_EQ(ids(*m, "a"), (Ids{0}));
  EXPECT_THROW(ids(*m, "x"), Error);
}

TEST(Bpe, ConcurrentEncodesAgree) {
  auto m = bpe({{"type", "BPE"},
                {"vocab", {{"a", 0}, {"aa", 1}, {"aaa", 2}, {"b", 3}, {"ab", 4}}},
                {"merges", json::array({json::array({"a", "a"}), json::array({"a", "b"}), json::array({"aa", "a"})})}});
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string word = std::string(static_cast<size_t>(i % 7 + 1), 'a') + "b";
        const Ids got = ids(*m, word);
        const Ids again = ids(*m, word);
        failures[static_cast<size_t>(t)] += got != again;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, (std::vector<int>{0, 0, 0, 0}));
}

}  // namespace
}  // namespace xenc
