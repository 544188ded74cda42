// Added-token splitting. Expected segments were obtained from HF tokenizers
// 0.23.3: a tokenizer.json with the same added_tokens list, a WordLevel model
// whose vocabulary is {"[UNK]": 0} (so every other piece of text comes back as
// one [UNK] token), no pre-tokenizer, and, where noted, the Lowercase
// normalizer; encode(text) gave (ids, offsets) from which the segments below
// were read (text segments lowercased where the normalizer applies).
#include <gtest/gtest.h>

#include <cctype>

#include "graph/error.h"
#include "runtime/tokenizer/added_vocabulary.h"

namespace xenc {
namespace {

using nlohmann::json;

// ASCII-only stand-in for HF's Lowercase normalizer (the cases are ASCII).
class AsciiLowercase final : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
};

AddedToken token(std::string content, bool single_word, bool lstrip, bool rstrip, bool normalized, bool special) {
  return {std::move(content), single_word, lstrip, rstrip, normalized, special};
}

std::unique_ptr<TokenModel> unk_only_model() {
  return make_model({{"type", "WordLevel"}, {"vocab", {{"[UNK]", 0}}}, {"unk_token", "[UNK]"}}, "tokenizer.json: model");
}

using Segments = std::vector<std::pair<std::string, int32_t>>;  // text ("" for a token), id (-1 for text)

Segments split(const AddedVocabulary& v, std::string_view text, const Normalizer* normalizer = nullptr) {
  std::vector<AddedVocabulary::Segment> out;
  v.split(text, normalizer, out);
  Segments s;
  for (auto& seg : out) s.emplace_back(seg.text, seg.id);
  return s;
}

TEST(AddedVocabulary, SplitsOnTokensAndAssignsIdsAfterTheVocabulary) {
  auto model = unk_only_model();
  AddedVocabulary v({token("[CLS]", false, false, false, false, true), token("[SEP]", false, false, false, false, true),
                     token("my", false, false, false, false, false), token("name", false, false, false, false, false)},
                    *model, nullptr);
  EXPECT_EQ(v.token_to_id("[CLS]"), 1);
  EXPECT_EQ(v.token_to_id("name"), 4);
  EXPECT_EQ(split(v, "[CLS] My name is Anthony [SEP]"),
            (Segments{{"", 1}, {" My ", -1}, {"", 4}, {" is Anthony ", -1}, {"", 2}}));
  EXPECT_TRUE(split(v, "").empty());
}

TEST(AddedVocabulary, IdsComeFromTheModelOrFollowTheLargestId) {
  auto model = make_model({{"type", "WordLevel"}, {"vocab", {{"[UNK]", 0}, {"a", 1}, {"b", 2}}}, {"unk_token", "[UNK]"}},
                          "tokenizer.json: model");
  // The repeated "x" and the empty token are ignored, as HF ignores them.
  AddedVocabulary v({token("x", false, false, false, false, true), token("b", false, false, false, false, false),
                     token("y", false, false, false, false, false), token("x", false, false, false, false, true),
                     token("", false, false, false, false, false)},
                    *model, nullptr);
  EXPECT_EQ(v.token_to_id("x"), 3);
  EXPECT_EQ(v.token_to_id("b"), 2);
  EXPECT_EQ(v.token_to_id("y"), 4);
  EXPECT_EQ(split(v, "xaby"), (Segments{{"", 3}, {"a", -1}, {"", 2}, {"", 4}}));
}

TEST(AddedVocabulary, LstripAndRstripTakeUnicodeWhitespace) {
  auto model = unk_only_model();
  AddedVocabulary both({token("<mask>", false, true, true, false, true)}, *model, nullptr);
  EXPECT_EQ(split(both, "Hi <mask> there\t<mask>\t<mask>\u2000 a  <mask>"),
            (Segments{{"Hi", -1}, {"", 1}, {"there", -1}, {"", 1}, {"", 1}, {"a", -1}, {"", 1}}));
  AddedVocabulary left({token("<mask>", false, true, false, false, true)}, *model, nullptr);
  EXPECT_EQ(split(left, "a <mask> <mask>b  <mask>"), (Segments{{"a", -1}, {"", 1}, {"", 1}, {"b", -1}, {"", 1}}));
}

TEST(AddedVocabulary, SingleWordNeedsNonWordCharactersAround) {
  auto model = unk_only_model();
  AddedVocabulary v({token("<mask>", true, false, false, false, false)}, *model, nullptr);
  // Punctuation is not a word character; the combining mark U+0330, '_' and digits are.
  EXPECT_EQ(split(v, "<mask> My name <mask> A<mask> <mask>ony <mask>, <mask>- \u25cc\u0330<mask> _<mask> 1<mask>"),
            (Segments{{"", 1},
                      {" My name ", -1},
                      {"", 1},
                      {" A<mask> <mask>ony ", -1},
                      {"", 1},
                      {", ", -1},
                      {"", 1},
                      {"- \u25cc\u0330<mask> _<mask> 1<mask>", -1}}));
}

TEST(AddedVocabulary, LeftmostLongestAndTheScanResumesAfterARejectedMatch) {
  auto model = unk_only_model();
  AddedVocabulary v({token("ab", false, false, false, false, false), token("abc", false, false, false, false, false),
                     token("bcd", false, false, false, false, false), token("d", false, false, false, false, false)},
                    *model, nullptr);
  EXPECT_EQ(split(v, "abcd xbcd abab abcabc"),
            (Segments{{"", 2}, {"", 4}, {" x", -1}, {"", 3}, {" ", -1}, {"", 1}, {"", 1}, {" ", -1}, {"", 2}, {"", 2}}));
  // "ab" is found at 1 and rejected (single_word); the "b" inside it is not looked for again.
  AddedVocabulary w({token("ab", true, false, false, false, false), token("b", false, false, false, false, false)},
                    *model, nullptr);
  EXPECT_EQ(split(w, "xab b ab"), (Segments{{"xab ", -1}, {"", 2}, {" ", -1}, {"", 1}}));
}

TEST(AddedVocabulary, NormalizedTokensMatchAfterNormalization) {
  auto model = unk_only_model();
  const AsciiLowercase lowercase;
  AddedVocabulary v({token("[CLS]", false, false, false, false, true), token("Yesterday", false, false, false, true, false),
                     token("ONY", true, false, false, true, false), token("my", false, true, true, true, false)},
                    *model, &lowercase);
  EXPECT_EQ(split(v, "[CLS] I read a book YESTERDAY, my  MY frony ony [cls]", &lowercase),
            (Segments{{"", 1},
                      {" i read a book ", -1},
                      {"", 2},
                      {",", -1},
                      {"", 4},
                      {"", 4},
                      {"frony ", -1},
                      {"", 3},
                      {" [cls]", -1}}));
  AddedVocabulary special({token("[MASK]", false, false, false, true, true)}, *model, &lowercase);
  EXPECT_EQ(split(special, "a [MASK] b [mask]", &lowercase), (Segments{{"a ", -1}, {"", 1}, {" b ", -1}, {"", 1}}));
}

TEST(AddedVocabulary, ReadsTokenizerJsonEntries) {
  const AddedToken t = read_added_token({{"id", 5}, {"content", "<x>"}, {"special", true}}, "tokenizer.json: added_tokens[0]");
  EXPECT_EQ(t, token("<x>", false, false, false, false, true));  // special tokens default to normalized=false
  const AddedToken u = read_added_token({{"content", "y"}}, "tokenizer.json: added_tokens[1]");
  EXPECT_TRUE(u.normalized);
  EXPECT_THROW(read_added_token({{"content", 3}}, "tokenizer.json: added_tokens[2]"), Error);
}

}  // namespace
}  // namespace xenc
