// Unigram model. Expected ids were obtained from HF tokenizers 0.23.3 by loading
// the same "model" section in a tokenizer.json with a WhitespaceSplit
// pre-tokenizer and no post-processor: Tokenizer.from_str(...).encode(word).ids
#include <gtest/gtest.h>

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

// A [[piece, score], ...] list (spelled out: nlohmann would read {{"a", 0.0}} as an object).
json pieces(std::initializer_list<std::pair<const char*, double>> list) {
  json out = json::array();
  for (const auto& [piece, score] : list) out.push_back(json::array({piece, score}));
  return out;
}

std::unique_ptr<TokenModel> unigram(const json& unk_id, const json& vocab, bool byte_fallback = false) {
  return make_model({{"type", "Unigram"}, {"unk_id", unk_id}, {"vocab", vocab}, {"byte_fallback", byte_fallback}},
                    "tokenizer.json: model");
}

TEST(Unigram, BestScoringSegmentation) {
  // The example of HF's Unigram::encode documentation.
  auto m = unigram(0, pieces({{"<unk>", 0.0}, {"a", 0.0}, {"b", 0.0}, {"c", 0.0}, {"d", 0.0}, {"cd", 1.0}, {"ab", 2.0},
                       {"abc", 5.0}, {"abcd", 10.0}}));
  EXPECT_EQ(ids(*m, "abcdacdxx"), (Ids{8, 1, 5, 0}));
  EXPECT_EQ(ids(*m, "abcd"), (Ids{8}));
  EXPECT_EQ(ids(*m, "dcba"), (Ids{4, 3, 2, 1}));
  EXPECT_EQ(ids(*m, "axbxxc"), (Ids{1, 0, 2, 0, 3}));
  EXPECT_EQ(m->vocab_size(), 9u);
}

TEST(Unigram, TiesKeepTheFirstPathFound) {
  auto m = unigram(0, pieces({{"<unk>", -10.0}, {"a", -1.0}, {"b", -1.0}, {"ab", -2.0}, {"ba", -2.0}, {"aba", -3.0}}));
  EXPECT_EQ(ids(*m, "ab"), (Ids{3}));
  EXPECT_EQ(ids(*m, "aba"), (Ids{5}));
  EXPECT_EQ(ids(*m, "abab"), (Ids{3, 3}));
  EXPECT_EQ(ids(*m, "bab"), (Ids{2, 3}));
}

TEST(Unigram, UnknownCharactersScoreMinMinusTenAndFuse) {
  // unk scores min(-30) - 10 = -40: "xxx" ties between unk+xx and xx+unk; the first found wins.
  auto m = unigram(0, pieces({{"<unk>", -1.0}, {"a", -1.0}, {"xx", -30.0}, {"é", -2.0}}));
  EXPECT_EQ(ids(*m, "xx"), (Ids{2}));
  EXPECT_EQ(ids(*m, "axxa"), (Ids{1, 2, 1}));
  EXPECT_EQ(ids(*m, "xxx"), (Ids{0, 2}));
  EXPECT_EQ(ids(*m, "yy"), (Ids{0}));
  EXPECT_EQ(ids(*m, "ayéy"), (Ids{1, 0, 3, 0}));
}

TEST(Unigram, TheUnkPieceTypedInTheTextFusesWithUnknownCharacters) {
  auto m = unigram(0, pieces({{"<unk>", -1.0}, {"a", -1.0}, {"<", -2.0}, {">", -2.0}}));
  EXPECT_EQ(ids(*m, "<unk>"), (Ids{0}));
  EXPECT_EQ(ids(*m, "a<unk>"), (Ids{1, 0}));
  EXPECT_EQ(ids(*m, "zz<unk>"), (Ids{0}));
}

TEST(Unigram, ByteFallbackSpellsUnknownRunsInBytes) {
  auto m = unigram(0, pieces({{"<unk>", -1.0}, {"a", -1.0}, {"<0x78>", -5.0}, {"<0xC3>", -5.0}, {"<0xA9>", -5.0}}), true);
  EXPECT_EQ(ids(*m, "axa"), (Ids{1, 2, 1}));
  EXPECT_EQ(ids(*m, "axxa"), (Ids{1, 2, 2, 1}));
  EXPECT_EQ(ids(*m, "aéa"), (Ids{1, 3, 4, 1}));
  EXPECT_EQ(ids(*m, "ay"), (Ids{1, 0}));
  EXPECT_EQ(ids(*m, "axy"), (Ids{1, 0}));  // the fused run "xy" has no byte piece for 'y'
}

TEST(Unigram, MissingUnkIdIsAnErrorOnlyWhenAnUnkPieceWouldBeUsed) {
  auto m = unigram(nullptr, pieces({{"a", -1.0}, {"xa", -1.0}, {"ax", -0.5}}));
  EXPECT_EQ(ids(*m, "a"), (Ids{0}));
  EXPECT_EQ(ids(*m, "ax"), (Ids{2}));
  EXPECT_EQ(ids(*m, "axa"), (Ids{2, 0}));
  EXPECT_THROW(ids(*m, "xa"), Error);
  try {
    ids(*m, "b");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "tokenizer.json: model.unk_id: the text has an unknown character but unk_id is null");
  }
}

TEST(Unigram, RepeatedPiecesUseTheirLastId) {
  auto m = unigram(0, pieces({{"<unk>", -5.0}, {"a", -1.0}, {"b", -1.0}, {"a", -3.0}, {"ab", -2.5}}));
  EXPECT_EQ(ids(*m, "a"), (Ids{3}));
  EXPECT_EQ(ids(*m, "ab"), (Ids{4}));
  EXPECT_EQ(ids(*m, "aab"), (Ids{3, 4}));
  EXPECT_EQ(m->token_to_id("a"), 3);
}

TEST(Unigram, FileErrors) {
  auto error_of = [](const json& j) -> std::string {
    try {
      make_model(j, "tokenizer.json: model");
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error_of({{"type", "Unigram"}, {"unk_id", 5}, {"vocab", pieces({{"a", 0.0}})}}),
            "tokenizer.json: model.unk_id: 5 is outside the vocabulary of 1 pieces");
  EXPECT_EQ(error_of({{"type", "Unigram"}, {"unk_id", 0}, {"vocab", json::array()}}),
            "tokenizer.json: model.unk_id: 0 is outside the vocabulary of 0 pieces");
  EXPECT_EQ(error_of({{"type", "Unigram"}, {"vocab", json::array({json::array({"a", "high"})})}}),
            "tokenizer.json: model.vocab[0][1]: expected a number, got string");
  EXPECT_EQ(error_of({{"type", "Unigram"}, {"vocab", {"a"}}}),
            "tokenizer.json: model.vocab[0]: expected a [piece, score] pair, got string");
  // No type tag: a list vocabulary means Unigram.
  EXPECT_EQ(error_of({{"vocab", pieces({{"a", 0.0}})}}), "no error");
}

}  // namespace
}  // namespace xenc
