// Unicode facts the tokenizers need, with the semantics Hugging Face
// `tokenizers` uses. HF mixes Unicode versions (Rust's char methods, its regex
// crate, Oniguruma, and crates frozen at Unicode 8 and 9), so the character
// classes are tables measured from HF itself (tools/gen_unicode_tables.py);
// categories, normalization forms, case mapping and grapheme clusters come
// from utf8proc.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace xenc::unicode {

// UTF-8 <-> code points. Invalid UTF-8 decodes to U+FFFD per maximal bad
// sequence, as Rust's String::from_utf8_lossy does.
std::u32string decode(std::string_view utf8);
// Decodes the code point at `pos` and advances `pos` past it (lossy like decode).
char32_t next_code_point(std::string_view utf8, size_t& pos);
bool is_valid_utf8(std::string_view utf8);
bool is_ascii(std::string_view s);
void append_utf8(std::string& out, char32_t cp);
std::string encode(std::u32string_view cps);

// Rust char::is_whitespace (White_Space property); also Oniguruma's \s.
bool is_whitespace(char32_t c);
// Rust char::is_alphabetic / is_numeric / is_alphanumeric.
bool is_alphabetic(char32_t c);
bool is_numeric(char32_t c);
bool is_alphanumeric(char32_t c);
// Rust char::is_control (general category Cc).
bool is_control(char32_t c);
// \w of Rust's regex crate (HF's Whitespace pre-tokenizer).
bool is_regex_word(char32_t c);
// Oniguruma's \p{L} and \p{N} (HF's ByteLevel pattern).
bool is_letter(char32_t c);
bool is_number(char32_t c);

// Oniguruma's classes as sorted inclusive ranges, to spell them out in the
// PCRE2 patterns that stand in for HF's Oniguruma ones.
struct CodePointRange {
  char32_t first;
  char32_t last;
};
// \s \p{L} \p{N} \w, and \w inside brackets, which lacks ²³¹¼½¾ in Oniguruma.
enum class OnigClass { Space, Letter, Number, Word, WordInClass };
std::span<const CodePointRange> onig_class(OnigClass c);
// HF's punctuation test (BertPreTokenizer, Punctuation): ASCII punctuation,
// or general category P* in the unicode_categories crate (Unicode 8.0).
bool is_punctuation(char32_t c);
// unicode_categories' is_other: Cc, Cf, Co as of Unicode 8.0, never Cn
// (what BertNormalizer's clean_text removes, apart from \t \n \r).
bool is_other(char32_t c);
// unicode_categories' Mn (Unicode 8.0): what BertNormalizer strips after NFD.
bool is_nonspacing_mark(char32_t c);
// Marks M* in unicode-normalization-alignments (Unicode 9.0): what StripAccents removes.
bool is_combining_mark(char32_t c);
// Two-letter general category code, e.g. "Lu", "Nd", "Zs".
const char* category(char32_t c);

std::string nfc(std::string_view s);
std::string nfd(std::string_view s);
std::string nfkc(std::string_view s);
std::string nfkd(std::string_view s);
// Rust char::to_lowercase applied to each character, as HF's Lowercase does
// (full mappings such as U+0130 -> "i\u0307"; no final-sigma context).
std::string to_lowercase(std::string_view s);
void append_lowercase(std::string& out, char32_t c);

// Byte offset just past the extended grapheme cluster (UAX #29) that starts
// at `start` (< s.size()).
size_t grapheme_end(std::string_view s, size_t start);

}  // namespace xenc::unicode
