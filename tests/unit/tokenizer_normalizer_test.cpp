// Normalizers built from tokenizer.json sections, checked against HF `tokenizers`.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "runtime/tokenizer/components.h"

namespace xenc {
namespace {

using namespace std::string_view_literals;

struct NormalizerCase {
  std::string_view config;  // the tokenizer.json "normalizer" section
  std::string_view input;
  std::string_view expected;
};

std::string normalize(const nlohmann::json& config, std::string_view input) {
  std::string text(input);
  make_normalizer(config, "tokenizer.json: normalizer")->normalize(text);
  return text;
}

// Expected: HF tokenizers 0.23.3, Tokenizer.from_str(<a tokenizer.json with this
// normalizer>).normalizer.normalize_str(input).
const NormalizerCase kCases[] = {
    {R"json({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true})json",
     "Héllo WÖRLD\tnaïve\n中文字"sv, "hello world naive  中  文  字 "sv},
    {R"json({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true})json",
     "a\x00" "b\u200Bc\uFEFFd\x07" "e\uFFFDf\u00ADg"sv, "abcdefg"sv},
    {R"json({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true})json",
     "\u3000x\u2028y\u0085z\u180Ew"sv, " x yzw"sv},
    {R"json({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true})json",
     "İstanbul ǅemal ΟΔΟΣ"sv, "istanbul ǆemal οδοσ"sv},
    {R"json({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true})json",
     "Ｆｕｌｌ ﬁ ²"sv, "ｆｕｌｌ ﬁ ²"sv},
    {R"json({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true})json",
     "\uE000pua\U000F0000 \u08E2\u0890 \u2066x"sv, "pua \u08E2\u0890 x"sv},
    {R"json({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true})json",
     "e\u0301\u0304 \u1CF2 \u1885"sv, "e \u1CF2 \u1885"sv},
    {R"json({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": false})json",
     "Héllo WÖRLD\tnaïve\n中文字"sv, "Héllo WÖRLD naïve  中  文  字 "sv},
    {R"json({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": false})json",
     "野口里佳 𠀀\U00031350 한국어 カタカナ"sv, " 野  口  里  佳   𠀀 \U00031350 한국어 カタカナ"sv},
    {R"json({"type": "BertNormalizer", "clean_text": false, "handle_chinese_chars": false, "strip_accents": true, "lowercase": false})json",
     "Héllo\x00 WÖRLD\tnaïve 中文"sv, "Hello\x00 WORLD\tnaive 中文"sv},
    {R"json({"type": "BertNormalizer", "clean_text": false, "handle_chinese_chars": false, "strip_accents": true, "lowercase": false})json",
     "ǅ Ǆ ṩ \u0344"sv, "ǅ Ǆ s "sv},
    {R"json({"type": "Lowercase"})json",
     "ΑΣ ΟΔΟΣ İ ǅ Ꭰ ẞ \u1C89 ＡＢ Ⅻ"sv, "ασ οδοσ i\u0307 ǆ ꭰ ß \u1C8A ａｂ ⅻ"sv},
    {R"json({"type": "NFC"})json",
     "e\u0301 A\u030A a\u0316\u0301 각 ﬁ"sv, "é Å á\u0316 각 ﬁ"sv},
    {R"json({"type": "NFD"})json",
     "é Å a\u0301\u0316 한 ﬁ \U00011938"sv, "e\u0301 A\u030A a\u0316\u0301 한 ﬁ \U00011938"sv},
    {R"json({"type": "NFKC"})json",
     "ﬁ ² ㍿ ㋿ Ａ ｶﾞ e\u0301 ꟲ"sv, "fi 2 株式会社 ㋿ A ガ é ꟲ"sv},
    {R"json({"type": "NFKD"})json",
     "ﬁ ² ㍿ ㋿ Ａ é"sv, "fi 2 株式会社 ㋿ A e\u0301"sv},
    {R"json({"type": "StripAccents"})json",
     "e\u0301\u0304o ɑ\u0308"sv, "eo ɑ"sv},
    {R"json({"type": "StripAccents"})json",
     "\u1CF2\U000111C9\U00011A01"sv, "\U000111C9\U00011A01"sv},
    {R"json({"type": "Sequence", "normalizers": [{"type": "NFKD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]})json",
     "ำน\u0E49ำ3ลำ ậ… Cụ thể"sv, "านา3ลา a... cu the"sv},
    {R"json({"type": "Replace", "pattern": {"String": "''"}, "content": "\""})json",
     "This is a ''test''"sv, "This is a \"test\""sv},
    {R"json({"type": "Replace", "pattern": {"String": "."}, "content": "!"})json",
     "a.b.c"sv, "a!b!c"sv},
    {R"json({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "▁"})json",
     "a  b   c d"sv, "a▁b▁c d"sv},
    {R"json({"type": "Replace", "pattern": {"Regex": "a*"}, "content": "X"})json",
     "baac"sv, "XbXcX"sv},
    {R"json({"type": "Replace", "pattern": {"Regex": "a*"}, "content": "X"})json",
     ""sv, ""sv},
    {R"json({"type": "Replace", "pattern": {"Regex": ""}, "content": "-"})json",
     "abc"sv, "-a-b-c-"sv},
    {R"json({"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": "_"})json",
     "a\u0085b\u180Ec\u3000d"sv, "a_b\u180Ec_d"sv},
    {R"json({"type": "Replace", "pattern": {"Regex": "\\w+"}, "content": "W"})json",
     "a½b c\u0301d ²"sv, "W W W"sv},
    {R"json({"type": "Replace", "pattern": {"Regex": "[\\w]+"}, "content": "W"})json",
     "a½b c\u0301d ²"sv, "W½W W ²"sv},
    {R"json({"type": "Replace", "pattern": {"Regex": "^\\s+|\\s+$"}, "content": ""})json",
     "  a\n  b  "sv, "a\nb"sv},
    {R"json({"type": "Replace", "pattern": {"Regex": "\\h+"}, "content": "H"})json",
     "deadbeef xyz 42"sv, "H xyz H"sv},
    {R"json({"type": "Replace", "pattern": {"Regex": "\\p{L}+"}, "content": "L"})json",
     "ab\U00031350c 12 \U000105C0"sv, "L 12 L"sv},
    {R"json({"type": "Prepend", "prepend": "▁"})json",
     "hello"sv, "▁hello"sv},
    {R"json({"type": "Prepend", "prepend": "▁"})json",
     ""sv, ""sv},
    {R"json({"type": "Strip", "strip_left": true, "strip_right": true})json",
     "\u3000 a b \u0085"sv, "a b"sv},
    {R"json({"type": "Strip", "strip_left": true, "strip_right": false})json",
     "\u3000 a b \u0085"sv, "a b \u0085"sv},
    {R"json({"type": "Strip", "strip_left": false, "strip_right": true})json",
     "\u3000 a b \u0085"sv, "\u3000 a b"sv},
    {R"json({"type": "Strip", "strip_left": false, "strip_right": true})json",
     "   "sv, ""sv},
};

TEST(TokenizerNormalizer, MatchesHuggingFace) {
  for (const NormalizerCase& c : kCases) {
    const auto config = nlohmann::json::parse(c.config);
    EXPECT_EQ(normalize(config, c.input), c.expected) << c.config << "\ninput: " << c.input;
  }
}

TEST(TokenizerNormalizer, NullMeansNoNormalizer) {
  EXPECT_EQ(make_normalizer(nullptr, "tokenizer.json: normalizer"), nullptr);
}

nlohmann::json fixture_normalizer(const std::string& family) {
  std::ifstream in(std::string(XENC_TEST_DATA_DIR) + "/fixtures/tokenizers/" + family + "/tokenizer.json");
  return nlohmann::json::parse(in).at("normalizer");
}

struct PrecompiledCase {
  std::string_view input;
  std::string_view expected;
};

// The xlm_roberta fixture's charsmap (SentencePiece nmt_nfkc) on the corpus
// hard cases it changes and on inputs that show the grapheme rule (a cluster
// under 6 bytes is replaced as a whole: "\r\n" -> " ", "Ａ\u0301" -> "A").
// Expected: HF tokenizers 0.23.3, the Precompiled normalizer of that
// tokenizer.json, normalize_str(input); for kXlmNormalizerCases the whole
// normalizer (Sequence[Precompiled, Strip(right), Replace(" {2,}" -> "▁")]).
// 22 hard cases that the charsmap changes, then extra ones
const PrecompiledCase kPrecompiledCases[] = {
    {"Cafe\u0301 nai\u0308ve re\u0301sume\u0301 A\u030Angstro\u0308m fac\u0327ade Zoe\u0308 Bjo\u0308rk Dvor\u030Ca\u0301k Sa\u0303o Paulo"sv,
     "Café naïve résumé Ångström façade Zoë Björk Dvořák São Paulo"sv},
    {"e\u0301 a\u0308 n\u0303 Z\u0351\u0320\u0347 o\u0336 \u0301leading-combining"sv,
     "é ä ñ Z\u0351\u0320\u0347 o\u0336 \u0301leading-combining"sv},
    {"ÉCOLE ÀÉÎÕÜ ÇA İstanbul ıi ΟΔΟΣ ǅemal"sv,
     "ÉCOLE ÀÉÎÕÜ ÇA İstanbul ıi ΟΔΟΣ Džemal"sv},
    {"ﬁnance ﬂow ﬀ Ⅻ ① ㈱ ㎏ ℃ ½ x² ＡＢＣ１２３ ｆｕｌｌｗｉｄｔｈ"sv,
     "finance flow ff XII 1 (株) kg °C 1⁄2 x2 ABC123 fullwidth"sv},
    {"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐛𝐨𝐥𝐝 𝟙𝟚𝟛"sv,
     "Unicode bold 123"sv},
    {"我爱自然语言处理。今天天气很好！"sv,
     "我爱自然语言处理。今天天气很好!"sv},
    {"東京は日本の首都です。カタカナとひらがな、ﾊﾝｶｸｶﾅ"sv,
     "東京は日本の首都です。カタカナとひらがな、ハンカクカナ"sv},
    {"ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟﾌﾟ ｶﾞｯｺｳ"sv,
     "カ\u3099キ\u3099ク\u3099 ハ\u309Aヒ\u309Aフ\u309A カ\u3099ッコウ"sv},
    {"Tie\u0302\u0301ng Vie\u0323\u0302t α\u0314\u0301\u0345 s\u0323\u0307 u\u0308\u0304"sv,
     "Tiêng Viẹt α\u0314\u0301\u0345 ṣ ü"sv},
    {"tab\there\rcr\x00nul\x0bvt\x1fus\x7f" "del\x01soh end"sv,
     "tab here cr\x00nulvtusdelsoh end"sv},
    {"\x00\x01\x02\x1f\x7f"sv,
     "\x00"sv},
    {"a\u0080b\u0085c\u009Fd"sv,
     "a\u0080b\u0085cd"sv},
    {"line1\nline2\r\nline3\n\nline5"sv,
     "line1 line2 line3  line5"sv},
    {"zero\u200Bwidth\u200Cnon\u200Djoiner\u2060wj"sv,
     "zero width non\u200Djoiner\u2060wj"sv},
    {"\uFEFFBOM at start and in\uFEFFmiddle"sv,
     " BOM at start and in middle"sv},
    {"nbsp\u00A0here en\u2002em\u2003thin\u2009hair\u200Aideo\u3000narrow\u202Fmath\u205Fogham\u1680end"sv,
     "nbsp here en em thin hair ideo narrow math ogham end"sv},
    {"line\u2028sep para\u2029sep"sv,
     "line sep para sep"sv},
    {"pua\uE000 repl\uFFFD nonchar\uFDD0"sv,
     "pua\uE000 repl  nonchar\uFDD0"sv},
    {"many     spaces\t\t\ttabs\n\n\nnewlines   \t \n end"sv,
     "many     spaces   tabs   newlines       end"sv},
    {"\t\n\r\n"sv,
     "   "sv},
    {"“Smart quotes” ‘single’ — em – en … «guillemets» ¿Qué? ¡Sí! 【brackets】、。・"sv,
     "“Smart quotes” ‘single’ — em – en ... «guillemets» ¿Qué? ¡Sí! 【brackets】、。・"sv},
    {"∑∫√∞ ≤≥ ± × ÷ $100 €50 £20 ¥1000 ₹500 ©®™ §¶ †‡ •"sv,
     "∑∫√∞ ≤≥ ± × ÷ $100 €50 £20 ¥1000 ₹500 ©®TM §¶ †‡ •"sv},
    {"ｶﾞｷﾞ ﾊﾟ"sv,
     "カ\u3099キ\u3099 ハ\u309A"sv},
    {"a\r\nb\rc\nd"sv,
     "a b c d"sv},
    {"①②③ ⑴ ㈱"sv,
     "123 (1) (株)"sv},
    {"ﬁ ﬀ ™ …"sv,
     "fi ff TM ..."sv},
    {"\u00A0x\u3000y\u2028z"sv,
     " x y z"sv},
    {"e\u0301 Å"sv,
     "é Å"sv},
    {"🇺🇸 👨\u200D👩\u200D👧"sv,
     "🇺🇸 👨\u200D👩\u200D👧"sv},
    {"\x00\x01\x7f\u009F"sv,
     "\x00"sv},
    {"Ａ\u0301"sv,
     "A"sv},
    {"ﾞ\u0301"sv,
     "\u3099"sv},
};
const PrecompiledCase kXlmNormalizerCases[] = {
    {"ｶﾞｷﾞ ﾊﾟ"sv,
     "カ\u3099キ\u3099 ハ\u309A"sv},
    {"a\r\nb\rc\nd"sv,
     "a b c d"sv},
    {"①②③ ⑴ ㈱"sv,
     "123 (1) (株)"sv},
    {"ﬁ ﬀ ™ …"sv,
     "fi ff TM ..."sv},
    {"\u00A0x\u3000y\u2028z"sv,
     " x y z"sv},
    {"e\u0301 Å"sv,
     "é Å"sv},
    {"🇺🇸 👨\u200D👩\u200D👧"sv,
     "🇺🇸 👨\u200D👩\u200D👧"sv},
    {"\x00\x01\x7f\u009F"sv,
     "\x00"sv},
    {"Ａ\u0301"sv,
     "A"sv},
    {"ﾞ\u0301"sv,
     "\u3099"sv},
    {"  Hello   world  "sv,
     "▁Hello▁world"sv},
    {"x  <mask>  y"sv,
     "x▁<mask>▁y"sv},
};

TEST(TokenizerNormalizer, PrecompiledCharsmapMatchesHuggingFace) {
  const nlohmann::json sequence = fixture_normalizer("xlm_roberta");
  nlohmann::json precompiled;
  for (const auto& n : sequence.at("normalizers"))
    if (n.at("type") == "Precompiled") precompiled = n;
  ASSERT_FALSE(precompiled.is_null());
  for (const PrecompiledCase& c : kPrecompiledCases)
    EXPECT_EQ(normalize(precompiled, c.input), c.expected) << "input: " << c.input;
  for (const PrecompiledCase& c : kXlmNormalizerCases)
    EXPECT_EQ(normalize(sequence, c.input), c.expected) << "input: " << c.input;
}

TEST(TokenizerNormalizer, InvalidUtf8IsNoCrash) {
  // HF only ever sees valid UTF-8; xenc must survive anything.
  for (const NormalizerCase& c : kCases)
    EXPECT_NO_THROW(normalize(nlohmann::json::parse(c.config), "\xff\xc3(a\xe2\x82 \xf0\x9f\x98"sv)) << c.config;
}

std::string error_of(std::string_view config) {
  try {
    make_normalizer(nlohmann::json::parse(config), "tokenizer.json: normalizer");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(TokenizerNormalizer, BadSectionsNameTheField) {
  EXPECT_EQ(error_of(R"({"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Foo"}]})"),
            "tokenizer.json: normalizer.normalizers[1].type: unknown normalizer 'Foo'");
  EXPECT_EQ(error_of(R"({"normalizers": []})"), "tokenizer.json: normalizer.type: missing");
  EXPECT_EQ(error_of(R"({"type": "BertNormalizer", "handle_chinese_chars": true, "lowercase": true})"),
            "tokenizer.json: normalizer.clean_text: missing");
  EXPECT_EQ(error_of(R"({"type": "BertNormalizer", "clean_text": 1, "handle_chinese_chars": true, "lowercase": true})"),
            "tokenizer.json: normalizer.clean_text: expected a boolean, got number");
  EXPECT_EQ(error_of(R"({"type": "Strip", "strip_left": true})"), "tokenizer.json: normalizer.strip_right: missing");
  EXPECT_EQ(error_of(R"({"type": "Replace", "pattern": {"String": "a"}})"),
            "tokenizer.json: normalizer.content: missing");
  EXPECT_EQ(error_of(R"({"type": "Replace", "pattern": "a", "content": "b"})"),
            "tokenizer.json: normalizer.pattern: expected an object, got string");
  EXPECT_EQ(error_of(R"({"type": "Replace", "pattern": {"Glob": "a"}, "content": "b"})"),
            "tokenizer.json: normalizer.pattern: expected {\"String\": ...} or {\"Regex\": ...}, got {\"Glob\":\"a\"}");
  EXPECT_EQ(error_of(R"({"type": "Replace", "pattern": {"Regex": "(a"}, "content": "b"})"),
            "tokenizer.json: normalizer.pattern: invalid regex \"(a\": missing closing parenthesis");
  EXPECT_EQ(error_of(R"({"type": "Prepend"})"), "tokenizer.json: normalizer.prepend: missing");
  EXPECT_EQ(error_of(R"({"type": "Sequence", "normalizers": {"type": "NFC"}})"),
            "tokenizer.json: normalizer.normalizers: expected an array, got object");
  EXPECT_EQ(error_of(R"({"type": "Sequence", "normalizers": [null]})"),
            "tokenizer.json: normalizer.normalizers[0]: expected an object, got null");
  EXPECT_EQ(error_of(R"("NFC")"), "tokenizer.json: normalizer: expected an object, got string");
}

TEST(TokenizerNormalizer, BadPrecompiledCharsmapIsAnError) {
  EXPECT_EQ(error_of(R"({"type": "Precompiled"})"), "tokenizer.json: normalizer.precompiled_charsmap: missing");
  EXPECT_EQ(error_of(R"({"type": "Precompiled", "precompiled_charsmap": null})"),
            "tokenizer.json: normalizer.precompiled_charsmap: expected a string, got null");
  EXPECT_EQ(error_of(R"({"type": "Precompiled", "precompiled_charsmap": ""})"),
            "tokenizer.json: normalizer.precompiled_charsmap: cannot parse precompiled_charsmap: 0 bytes");
  EXPECT_EQ(error_of(R"({"type": "Precompiled", "precompiled_charsmap": "AAA*"})"),
            "tokenizer.json: normalizer.precompiled_charsmap: invalid base64 character at offset 3");
  EXPECT_EQ(error_of(R"({"type": "Precompiled", "precompiled_charsmap": "AAAA"})"),
            "tokenizer.json: normalizer.precompiled_charsmap: cannot parse precompiled_charsmap: 3 bytes");
  // A trie of 256 bytes announced in an 8-byte blob.
  EXPECT_EQ(error_of(R"({"type": "Precompiled", "precompiled_charsmap": "AAEAAAAAAAA="})"),
            "tokenizer.json: normalizer.precompiled_charsmap: cannot parse precompiled_charsmap: its trie of 256 bytes "
            "does not fit in 8 bytes");
}

TEST(TokenizerNormalizer, MalformedTrieNeverReadsOutOfBounds) {
  // One unit whose offset and labels point far outside the 1-unit trie: every
  // lookup misses, and the text is left as it is.
  const nlohmann::json config = {{"type", "Precompiled"}, {"precompiled_charsmap", "BAAAAP///38="}};
  EXPECT_EQ(normalize(config, "abc é"), "abc é");
}

}  // namespace
}  // namespace xenc
