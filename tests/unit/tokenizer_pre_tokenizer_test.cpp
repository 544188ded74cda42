// Pre-tokenizers built from tokenizer.json sections, checked against HF `tokenizers`.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "runtime/tokenizer/components.h"

namespace xenc {
namespace {

using namespace std::string_view_literals;

struct PreTokenizerCase {
  std::string_view config;  // the tokenizer.json "pre_tokenizer" section
  std::string_view input;
  std::vector<std::string_view> expected;
};

std::vector<std::string> pre_tokenize(std::string_view config, std::string_view input, bool starts_text = true) {
  std::vector<std::string> pieces{std::string(input)};
  make_pre_tokenizer(nlohmann::json::parse(config), "tokenizer.json: pre_tokenizer")->pre_tokenize(pieces, starts_text);
  return pieces;
}

// Expected: HF tokenizers 0.23.3, Tokenizer.from_str(<a tokenizer.json with this
// pre-tokenizer>).pre_tokenizer.pre_tokenize_str(input), the piece strings.
const PreTokenizerCase kCases[] = {
    {R"json({"type": "BertPreTokenizer"})json",
     "Hey friend!     How are you?!?"sv,
     {"Hey"sv, "friend"sv, "!"sv, "How"sv, "are"sv, "you"sv, "?"sv, "!"sv, "?"sv}},
    {R"json({"type": "BertPreTokenizer"})json",
     "野口里佳 Noguchi"sv,
     {"野口里佳"sv, "Noguchi"sv}},
    {R"json({"type": "BertPreTokenizer"})json",
     "a⹂b a⹅b a᙭b"sv,
     {"a"sv, "⹂"sv, "b"sv, "a⹅b"sv, "a"sv, "᙭"sv, "b"sv}},
    {R"json({"type": "BertPreTokenizer"})json",
     "$5+3=8 a\u3000b\u0085c"sv,
     {"$"sv, "5"sv, "+"sv, "3"sv, "="sv, "8"sv, "a"sv, "b"sv, "c"sv}},
    {R"json({"type": "BertPreTokenizer"})json",
     "don't ¿qué? «ok»"sv,
     {"don"sv, "'"sv, "t"sv, "¿"sv, "qué"sv, "?"sv, "«"sv, "ok"sv, "»"sv}},
    {R"json({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true})json",
     "I'm don't they'll we've she'd it's you're 'S 's"sv,
     {"I"sv, "'m"sv, "Ġdon"sv, "'t"sv, "Ġthey"sv, "'ll"sv, "Ġwe"sv, "'ve"sv, "Ġshe"sv, "'d"sv, "Ġit"sv, "'s"sv, "Ġyou"sv, "'re"sv, "Ġ'"sv, "S"sv, "Ġ'"sv, "s"sv}},
    {R"json({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true})json",
     "Hello   there\n\nfoo  "sv,
     {"Hello"sv, "ĠĠ"sv, "Ġthere"sv, "Ċ"sv, "Ċ"sv, "foo"sv, "ĠĠ"sv}},
    {R"json({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true})json",
     "abc123 4.5 ٣٤ x²"sv,
     {"abc"sv, "123"sv, "Ġ4"sv, "."sv, "5"sv, "ĠÙ£Ù¤"sv, "Ġx"sv, "Â²"sv}},
    {R"json({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true})json",
     "i⭢j 😀👍🏽"sv,
     {"i"sv, "âŃ¢"sv, "j"sv, "ĠðŁĺĢðŁĳįðŁı½"sv}},
    {R"json({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true})json",
     "\u00A0\u00A0x \u3000y\u0085z"sv,
     {"Âł"sv, "Âł"sv, "x"sv, "Ġ"sv, "ãĢĢ"sv, "y"sv, "Âħ"sv, "z"sv}},
    {R"json({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true})json",
     "a\r\n b\t\tc ?'s"sv,
     {"a"sv, "čĊ"sv, "Ġb"sv, "ĉ"sv, "ĉ"sv, "c"sv, "Ġ?'"sv, "s"sv}},
    {R"json({"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true})json",
     "Hello world"sv,
     {"ĠHello"sv, "Ġworld"sv}},
    {R"json({"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true})json",
     " Hello"sv,
     {"ĠHello"sv}},
    {R"json({"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": false})json",
     "Hello my friend, é"sv,
     {"ĠHelloĠmyĠfriend,ĠÃ©"sv}},
    {R"json({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true})json",
     "Hey   friend!"sv,
     {"▁Hey"sv, "▁"sv, "▁"sv, "▁friend!"sv}},
    {R"json({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true})json",
     "▁Hey friend"sv,
     {"▁Hey"sv, "▁friend"sv}},
    {R"json({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "never", "split": true})json",
     "Hey   friend!"sv,
     {"Hey"sv, "▁"sv, "▁"sv, "▁friend!"sv}},
    {R"json({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": false})json",
     "Hey my friend"sv,
     {"▁Hey▁my▁friend"sv}},
    {R"json({"type": "Metaspace", "replacement": "_", "add_prefix_space": true})json",
     "Hey friend_x"sv,
     {"_Hey"sv, "_friend"sv, "_x"sv}},
    {R"json({"type": "Whitespace"})json",
     "Hey man!"sv,
     {"Hey"sv, "man"sv, "!"sv}},
    {R"json({"type": "Whitespace"})json",
     "How are you doing?"sv,
     {"How"sv, "are"sv, "you"sv, "doing"sv, "?"sv}},
    {R"json({"type": "Whitespace"})json",
     "a\u0301b½c\u200Dd ²³ x‿y ¿¡"sv,
     {"a\u0301b"sv, "½"sv, "c\u200Dd"sv, "²³"sv, "x‿y"sv, "¿¡"sv}},
    {R"json({"type": "Whitespace"})json",
     "\n"sv,
     {}},
    {R"json({"type": "WhitespaceSplit"})json",
     "Hey, man, Good?"sv,
     {"Hey,"sv, "man,"sv, "Good?"sv}},
    {R"json({"type": "WhitespaceSplit"})json",
     "a\u3000b\u0085c\u180Ed"sv,
     {"a"sv, "b"sv, "c\u180Ed"sv}},
    {R"json({"type": "Digits", "individual_digits": true})json",
     "Hey 123 friend! ٣٤ ①½"sv,
     {"Hey "sv, "1"sv, "2"sv, "3"sv, " friend! "sv, "٣"sv, "٤"sv, " "sv, "①"sv, "½"sv}},
    {R"json({"type": "Digits", "individual_digits": false})json",
     "Hey 123 friend! ٣٤ ①½"sv,
     {"Hey "sv, "123"sv, " friend! "sv, "٣٤"sv, " "sv, "①½"sv}},
    {R"json({"type": "Punctuation", "behavior": "Removed"})json",
     "Hey friend!     How are you?!?"sv,
     {"Hey friend"sv, "     How are you"sv}},
    {R"json({"type": "Punctuation", "behavior": "Isolated"})json",
     "Hey friend!     How are you?!?"sv,
     {"Hey friend"sv, "!"sv, "     How are you"sv, "?"sv, "!"sv, "?"sv}},
    {R"json({"type": "Punctuation", "behavior": "MergedWithPrevious"})json",
     "Hey friend!     How are you?!?"sv,
     {"Hey friend!"sv, "     How are you?"sv, "!"sv, "?"sv}},
    {R"json({"type": "Punctuation", "behavior": "MergedWithNext"})json",
     "Hey friend!     How are you?!?"sv,
     {"Hey friend"sv, "!     How are you"sv, "?"sv, "!"sv, "?"sv}},
    {R"json({"type": "Punctuation", "behavior": "Contiguous"})json",
     "Hey friend!     How are you?!?"sv,
     {"Hey friend"sv, "!"sv, "     How are you"sv, "?!?"sv}},
    {R"json({"type": "Split", "pattern": {"String": "-"}, "behavior": "Removed", "invert": false})json",
     "the-final--countdown"sv,
     {"the"sv, "final"sv, "countdown"sv}},
    {R"json({"type": "Split", "pattern": {"String": "-"}, "behavior": "Isolated", "invert": false})json",
     "the-final--countdown"sv,
     {"the"sv, "-"sv, "final"sv, "-"sv, "-"sv, "countdown"sv}},
    {R"json({"type": "Split", "pattern": {"String": "-"}, "behavior": "MergedWithPrevious", "invert": false})json",
     "the-final--countdown"sv,
     {"the-"sv, "final-"sv, "-"sv, "countdown"sv}},
    {R"json({"type": "Split", "pattern": {"String": "-"}, "behavior": "MergedWithNext", "invert": false})json",
     "the-final--countdown"sv,
     {"the"sv, "-final"sv, "-"sv, "-countdown"sv}},
    {R"json({"type": "Split", "pattern": {"String": "-"}, "behavior": "Contiguous", "invert": false})json",
     "the-final--countdown"sv,
     {"the"sv, "-"sv, "final"sv, "--"sv, "countdown"sv}},
    {R"json({"type": "Split", "pattern": {"Regex": "\\w+|[^\\w\\s]+"}, "behavior": "Removed", "invert": true})json",
     "How are you doing?"sv,
     {"How"sv, "are"sv, "you"sv, "doing"sv, "?"sv}},
    {R"json({"type": "Split", "pattern": {"Regex": "\\w+|[^\\w\\s]+"}, "behavior": "Isolated", "invert": true})json",
     "How are you doing?"sv,
     {"How"sv, " "sv, "are"sv, " "sv, "you"sv, " "sv, "doing"sv, "?"sv}},
    {R"json({"type": "Split", "pattern": {"Regex": "\\w+|[^\\w\\s]+"}, "behavior": "MergedWithPrevious", "invert": true})json",
     "How are you doing?"sv,
     {"How "sv, "are "sv, "you "sv, "doing"sv, "?"sv}},
    {R"json({"type": "Split", "pattern": {"Regex": "\\w+|[^\\w\\s]+"}, "behavior": "MergedWithNext", "invert": true})json",
     "How are you doing?"sv,
     {"How"sv, " are"sv, " you"sv, " doing"sv, "?"sv}},
    {R"json({"type": "Split", "pattern": {"Regex": "\\w+|[^\\w\\s]+"}, "behavior": "Contiguous", "invert": true})json",
     "How are you doing?"sv,
     {"How"sv, " "sv, "are"sv, " "sv, "you"sv, " "sv, "doing?"sv}},
    {R"json({"type": "Split", "pattern": {"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}, "behavior": "Isolated", "invert": false})json",
     "I'M fine, isn't it? 12345 héllo\n\n  world  "sv,
     {"I"sv, "'M"sv, " fine"sv, ","sv, " isn"sv, "'t"sv, " it"sv, "?"sv, " "sv, "1"sv, "2"sv, "3"sv, "4"sv, "5"sv, " héllo"sv, "\n\n"sv, " "sv, " world"sv, "  "sv}},
    {R"json({"type": "Split", "pattern": {"Regex": "a*"}, "behavior": "Isolated", "invert": false})json",
     "baac"sv,
     {"b"sv, "aa"sv, "c"sv}},
    {R"json({"type": "Split", "pattern": {"String": ""}, "behavior": "Removed", "invert": false})json",
     "abc"sv,
     {"a"sv, "b"sv, "c"sv}},
    {R"json({"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}]})json",
     "  Hey  you "sv,
     {"▁Hey"sv, "▁you"sv}},
    {R"json({"type": "Sequence", "pretokenizers": [{"type": "Punctuation", "behavior": "Isolated"}, {"type": "Digits", "individual_digits": true}, {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true}]})json",
     "x=12, y!"sv,
     {"x"sv, "="sv, "1"sv, "2"sv, ","sv, "Ġy"sv, "!"sv}},
};

TEST(TokenizerPreTokenizer, MatchesHuggingFace) {
  for (const PreTokenizerCase& c : kCases) {
    const std::vector<std::string> expected(c.expected.begin(), c.expected.end());
    EXPECT_EQ(pre_tokenize(c.config, c.input), expected) << c.config << "\ninput: " << c.input;
  }
}

TEST(TokenizerPreTokenizer, InvalidUtf8IsNoCrash) {
  // HF only ever sees valid UTF-8; xenc must survive anything.
  for (const PreTokenizerCase& c : kCases)
    EXPECT_NO_THROW(pre_tokenize(c.config, "\xff\xc3(a\xe2\x82 '\xf0\x9f\x98"sv)) << c.config;
}

TEST(TokenizerPreTokenizer, NullMeansNoPreTokenizer) {
  EXPECT_EQ(make_pre_tokenizer(nullptr, "tokenizer.json: pre_tokenizer"), nullptr);
}

TEST(TokenizerPreTokenizer, EmptyPiecesAreDropped) {
  // HF keeps no empty piece: pre_tokenize_str("") is [] for each of these.
  for (std::string_view config : {R"({"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true})"sv,
                                  R"({"type": "Metaspace", "replacement": "▁", "split": false})"sv,
                                  R"({"type": "BertPreTokenizer"})"sv})
    EXPECT_EQ(pre_tokenize(config, ""), std::vector<std::string>{}) << config;
}

TEST(TokenizerPreTokenizer, MetaspaceFirstPrependsOnlyAtTheStartOfTheText) {
  // HF tokenizers 0.23.3 with an added token "<s>" and Metaspace(prepend_scheme
  // "first"): "hey you" -> ▁hey ▁you, "<s>hey you" -> <s> hey ▁you.
  constexpr std::string_view kFirst = R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first"})";
  EXPECT_EQ(pre_tokenize(kFirst, "hey you", true), (std::vector<std::string>{"▁hey", "▁you"}));
  EXPECT_EQ(pre_tokenize(kFirst, "hey you", false), (std::vector<std::string>{"hey", "▁you"}));
  constexpr std::string_view kAlways = R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always"})";
  EXPECT_EQ(pre_tokenize(kAlways, "hey you", false), (std::vector<std::string>{"▁hey", "▁you"}));
}

TEST(TokenizerPreTokenizer, LegacyMetaspaceAddPrefixSpace) {
  // Before prepend_scheme, add_prefix_space false meant never (HF 0.23 refuses it
  // without prepend_scheme "never"; xenc reads the old files).
  EXPECT_EQ(pre_tokenize(R"({"type": "Metaspace", "replacement": "▁", "add_prefix_space": false})", "a b"),
            (std::vector<std::string>{"a", "▁b"}));
}

std::string error_of(std::string_view config) {
  try {
    make_pre_tokenizer(nlohmann::json::parse(config), "tokenizer.json: pre_tokenizer");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(TokenizerPreTokenizer, BadSectionsNameTheField) {
  EXPECT_EQ(error_of(R"({"type": "Sequence", "pretokenizers": [{"type": "Whitespace"}, {"type": "Foo"}]})"),
            "tokenizer.json: pre_tokenizer.pretokenizers[1].type: unknown pre-tokenizer 'Foo'");
  EXPECT_EQ(error_of(R"({"pretokenizers": []})"), "tokenizer.json: pre_tokenizer.type: missing");
  EXPECT_EQ(error_of(R"({"type": "Sequence"})"), "tokenizer.json: pre_tokenizer.pretokenizers: missing");
  EXPECT_EQ(error_of(R"({"type": "ByteLevel", "add_prefix_space": true})"),
            "tokenizer.json: pre_tokenizer.trim_offsets: missing");
  EXPECT_EQ(error_of(R"({"type": "Metaspace"})"), "tokenizer.json: pre_tokenizer.replacement: missing");
  EXPECT_EQ(error_of(R"({"type": "Metaspace", "replacement": "ab"})"),
            "tokenizer.json: pre_tokenizer.replacement: expected a single character, got \"ab\"");
  EXPECT_EQ(error_of(R"({"type": "Metaspace", "replacement": "_", "prepend_scheme": "sometimes"})"),
            "tokenizer.json: pre_tokenizer.prepend_scheme: unknown prepend scheme 'sometimes' (expected first, never "
            "or always)");
  EXPECT_EQ(error_of(R"({"type": "Metaspace", "replacement": "_", "add_prefix_space": false, "prepend_scheme": "first"})"),
            "tokenizer.json: pre_tokenizer.add_prefix_space: false does not match prepend_scheme 'first'");
  EXPECT_EQ(error_of(R"({"type": "Split", "pattern": {"String": " "}, "behavior": "Removed"})"),
            "tokenizer.json: pre_tokenizer.invert: missing");
  EXPECT_EQ(error_of(R"({"type": "Split", "pattern": {"String": " "}, "behavior": "removed", "invert": false})"),
            "tokenizer.json: pre_tokenizer.behavior: unknown split behavior 'removed' (expected Removed, Isolated, "
            "MergedWithPrevious, MergedWithNext or Contiguous)");
  EXPECT_EQ(error_of(R"({"type": "Split", "pattern": {"Regex": "[a"}, "behavior": "Removed", "invert": false})"),
            "tokenizer.json: pre_tokenizer.pattern: invalid regex \"[a\": missing terminating ] for character class");
  EXPECT_EQ(error_of(R"({"type": "Digits"})"), "tokenizer.json: pre_tokenizer.individual_digits: missing");
  EXPECT_EQ(error_of(R"({"type": "Punctuation", "behavior": 3})"),
            "tokenizer.json: pre_tokenizer.behavior: expected a string, got number");
}

}  // namespace
}  // namespace xenc
