// The Unicode helpers behind the tokenizers.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "runtime/tokenizer/unicode.h"

namespace xenc::unicode {
namespace {

using namespace std::string_view_literals;

TEST(TokenizerUnicode, DecodeReplacesEachMaximalBadSequence) {
  // Expected: Python's bytes.decode("utf-8", "replace"), which follows the same
  // Unicode recommendation as Rust's String::from_utf8_lossy.
  EXPECT_EQ(decode("\xe2\x82" "a"sv), U"\uFFFDa");
  EXPECT_EQ(decode("\xf0\x9f\x98"sv), U"\uFFFD");
  EXPECT_EQ(decode("\xed\xa0\x80"sv), U"\uFFFD\uFFFD\uFFFD");  // a surrogate
  EXPECT_EQ(decode("\xc0\xaf"sv), U"\uFFFD\uFFFD");            // overlong
  EXPECT_EQ(decode("\xf4\x90\x80\x80"sv), U"\uFFFD\uFFFD\uFFFD\uFFFD");  // past U+10FFFF
  EXPECT_EQ(decode("\xe0\x80\x80"sv), U"\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(decode("a\x80" "b\xff"sv), U"a\uFFFDb\uFFFD");
  EXPECT_EQ(decode("\xf0\x9f\x98\x80\0x"sv), U"\U0001F600\0x"sv);
  EXPECT_TRUE(is_valid_utf8("\xef\xbf\xbd\xf0\x9f\x98\x80"sv));
  EXPECT_FALSE(is_valid_utf8("ab\xf0\x9f\x98"sv));
  EXPECT_EQ(encode(U"a\u00e9\u4e2d\U0001F600"), "a\u00e9\u4e2d\U0001F600");
}

TEST(TokenizerUnicode, ClassesFollowHuggingFace) {
  // Each expectation was observed through HF tokenizers 0.23.3 (see
  // tools/gen_unicode_tables.py for the probes).
  EXPECT_TRUE(is_whitespace(0x85));     // NEL is White_Space (Rust and Oniguruma)
  EXPECT_FALSE(is_whitespace(0x180E));  // no longer White_Space (PCRE2's \s still has it)
  EXPECT_FALSE(is_whitespace(0x200B));
  EXPECT_TRUE(is_punctuation('$'));        // ASCII punctuation, though a symbol
  EXPECT_TRUE(is_punctuation(0x2E42));     // Po in Unicode 8.0
  EXPECT_FALSE(is_punctuation(0x2E45));    // added in Unicode 10
  EXPECT_TRUE(is_punctuation(0x166D));     // Po in Unicode 8.0, So since Unicode 12
  EXPECT_TRUE(is_other(0x061C));           // Cf
  EXPECT_FALSE(is_other(0x0890));          // Cf added in Unicode 14
  EXPECT_FALSE(is_other(0x0378));          // unassigned (Cn) is never "other"
  EXPECT_TRUE(is_nonspacing_mark(0x0301));
  EXPECT_TRUE(is_combining_mark(0x1CF2));  // Mc in Unicode 9.0, Lo since
  EXPECT_FALSE(is_combining_mark(0x10D24));
  EXPECT_TRUE(is_letter(0x31350));         // CJK extension H, Unicode 15
  EXPECT_TRUE(is_regex_word(0x200D));      // Join_Control is a Rust regex word character
  EXPECT_TRUE(is_alphabetic(0x0903));      // a spacing mark that is Alphabetic
  EXPECT_TRUE(is_numeric(0x2160));
  EXPECT_FALSE(is_alphanumeric('_'));
  EXPECT_TRUE(is_control(0x9F));
  EXPECT_STREQ(category(0x4E2D), "Lo");
}

TEST(TokenizerUnicode, LowercaseIsPerCharacter) {
  // HF tokenizers 0.23.3 Lowercase: full mapping of U+0130, no final sigma.
  EXPECT_EQ(to_lowercase("İSTANBUL ΟΔΟΣ"), "i\u0307stanbul οδοσ");
}

TEST(TokenizerUnicode, GraphemeClusters) {
  const std::string text = "e\u0301\r\n\U0001F1FA\U0001F1F8\U0001F468\u200D\U0001F469x";
  std::vector<std::string> clusters;
  for (size_t start = 0; start < text.size();) {
    const size_t end = grapheme_end(text, start);
    clusters.push_back(text.substr(start, end - start));
    start = end;
  }
  EXPECT_EQ(clusters, (std::vector<std::string>{"e\u0301", "\r\n", "\U0001F1FA\U0001F1F8",
                                                "\U0001F468\u200D\U0001F469", "x"}));
}

}  // namespace
}  // namespace xenc::unicode
