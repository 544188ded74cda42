// WordPiece model. Expected ids were obtained from HF tokenizers 0.23.3:
//   t = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=mx))
//   t.pre_tokenizer = pre_tokenizers.WhitespaceSplit(); t.encode(word).ids
#include <gtest/gtest.h>

#include "graph/error.h"
#include "runtime/tokenizer/components.h"

namespace xenc {
namespace {

using nlohmann::json;

const json kVocab = {{"[UNK]", 0}, {"un", 1}, {"##aff", 2}, {"##able", 3}, {"a", 4},   {"##b", 5},
                     {"ab", 6},    {"##c", 7}, {"é", 8},     {"##é", 9},    {"##", 10}, {"abc", 11},
                     {"x", 12},    {"<u>", 13}, {"##ffa", 14}};

std::vector<int32_t> ids(const TokenModel& model, std::string_view word) {
  std::vector<int32_t> out;
  model.tokenize(word, out);
  return out;
}

std::unique_ptr<TokenModel> wordpiece(json extra = json::object()) {
  json j = {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"vocab", kVocab}};
  j.update(extra);
  return make_model(j, "tokenizer.json: model");
}

TEST(WordPiece, GreedyLongestMatchFirst) {
  auto m = wordpiece();
  EXPECT_EQ(ids(*m, "unaffable"), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(ids(*m, "abc"), (std::vector<int32_t>{11}));
  EXPECT_EQ(ids(*m, "abcc"), (std::vector<int32_t>{11, 7}));
  EXPECT_EQ(ids(*m, "abcb"), (std::vector<int32_t>{11, 5}));
  EXPECT_EQ(ids(*m, "aé"), (std::vector<int32_t>{4, 9}));
  EXPECT_EQ(ids(*m, "ééé"), (std::vector<int32_t>{8, 9, 9}));
  EXPECT_EQ(ids(*m, "##"), (std::vector<int32_t>{10}));
}

TEST(WordPiece, AWordWithAnUnmatchedRestIsOneUnk) {
  auto m = wordpiece();
  EXPECT_EQ(ids(*m, "abcd"), (std::vector<int32_t>{0}));
  EXPECT_EQ(ids(*m, "###"), (std::vector<int32_t>{0}));
  EXPECT_EQ(ids(*m, "ab##c"), (std::vector<int32_t>{0}));
  EXPECT_EQ(ids(*m, "unaffa"), (std::vector<int32_t>{0}));
  EXPECT_EQ(ids(*m, "xx"), (std::vector<int32_t>{0}));
  EXPECT_TRUE(ids(*m, "").empty());
}

TEST(WordPiece, MaxInputCharsCountsCharactersNotBytes) {
  auto m = wordpiece({{"max_input_chars_per_word", 4}});
  EXPECT_EQ(ids(*m, "unaffable"), (std::vector<int32_t>{0}));
  EXPECT_EQ(ids(*m, "abcc"), (std::vector<int32_t>{11, 7}));
  EXPECT_EQ(ids(*m, "ééé"), (std::vector<int32_t>{8, 9, 9}));  // 6 bytes, 3 characters
  EXPECT_EQ(ids(*m, "ééééé"), (std::vector<int32_t>{0}));
}

TEST(WordPiece, CustomContinuingSubwordPrefix) {
  auto m = wordpiece({{"continuing_subword_prefix", "<u>"}});
  EXPECT_EQ(ids(*m, "unaffable"), (std::vector<int32_t>{0}));
  EXPECT_EQ(ids(*m, "ab"), (std::vector<int32_t>{6}));
  EXPECT_EQ(ids(*m, "ax"), (std::vector<int32_t>{0}));
}

TEST(WordPiece, MissingUnkTokenIsAnErrorWhenNeeded) {
  auto m = make_model({{"type", "WordPiece"}, {"vocab", {{"a", 0}}}}, "tokenizer.json: model");
  EXPECT_EQ(ids(*m, "a"), (std::vector<int32_t>{0}));
  try {
    ids(*m, "b");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "tokenizer.json: model.unk_token: '[UNK]' is not in the vocabulary");
  }
}

TEST(WordPiece, VocabularyLookups) {
  auto m = wordpiece();
  EXPECT_EQ(m->vocab_size(), kVocab.size());
  EXPECT_EQ(m->token_to_id("##able"), 3);
  EXPECT_EQ(m->token_to_id("nope"), std::nullopt);
}

TEST(WordPiece, BadFieldsNameTheirPath) {
  try {
    make_model({{"type", "WordPiece"}, {"vocab", {{"a", "zero"}}}}, "tokenizer.json: model");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "tokenizer.json: model.vocab.a: expected an integer, got string");
  }
  try {
    make_model({{"type", "WordPiece"}}, "tokenizer.json: model");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "tokenizer.json: model.vocab: missing");
  }
  try {
    make_model({{"type", "WordPiece"}, {"vocab", json::object()}, {"max_input_chars_per_word", -1}},
               "tokenizer.json: model");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "tokenizer.json: model.max_input_chars_per_word: expected an unsigned 32-bit integer, got -1");
  }
}

}  // namespace
}  // namespace xenc
