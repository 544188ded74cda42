#include "runtime/tokenizer/unicode.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iterator>
#include <memory>

#include <utf8proc.h>

namespace xenc::unicode {

namespace {

struct CaseMapping {
  char32_t from;
  char32_t to;
};

#include "runtime/tokenizer/unicode_tables.inc"

template <size_t N>
constexpr bool in_table(const CodePointRange (&table)[N], char32_t c) {
  const auto after = std::upper_bound(std::begin(table), std::end(table), c,
                                      [](char32_t v, const CodePointRange& r) { return v < r.first; });
  return after != std::begin(table) && c <= std::prev(after)->last;
}

// A table with its ASCII part precomputed: most text is ASCII, and the binary
// search over hundreds of ranges is then skipped.
template <const auto& Table>
bool contains(char32_t c) {
  static constexpr std::array<bool, 128> kAscii = [] {
    std::array<bool, 128> a{};
    for (char32_t ascii = 0; ascii < 128; ++ascii) a[ascii] = in_table(Table, ascii);
    return a;
  }();
  return c < 128 ? kAscii[c] : in_table(Table, c);
}

// Rust's case tables are newer than utf8proc's, hence a measured table.
char32_t simple_lowercase(char32_t c) {
  const auto it = std::lower_bound(std::begin(kLowercase), std::end(kLowercase), c,
                                   [](const CaseMapping& m, char32_t v) { return m.from < v; });
  return it != std::end(kLowercase) && it->from == c ? it->to : c;
}

bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

std::string run_utf8proc(std::string_view s, utf8proc_option_t options) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t length =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()), &out,
                   options);
  if (length < 0) return std::string(s);  // only invalid UTF-8 fails, and callers repair that first
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(length));
}

// HF normalizes with Unicode 9.0 data, where a later code point has no
// decomposition and combining class 0: it is a starter that nothing reorders
// or composes across. So xenc normalizes the stretches between such code
// points with utf8proc (newer data) and copies the code points themselves.
std::string normalize(std::string_view s, utf8proc_option_t options) {
  if (is_ascii(s)) return std::string(s);  // every normalization form leaves ASCII alone
  // utf8proc refuses invalid UTF-8: repair it first, as decode() does.
  const std::string repaired = is_valid_utf8(s) ? std::string() : encode(decode(s));
  const std::string_view text = repaired.empty() ? s : std::string_view(repaired);
  std::string out;
  size_t segment_start = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    if (in_table(kAssignedInUnicode9, next_code_point(text, pos))) continue;
    out += run_utf8proc(text.substr(segment_start, start - segment_start), options);
    out.append(text, start, pos - start);
    segment_start = pos;
  }
  if (segment_start == 0) return run_utf8proc(text, options);
  out += run_utf8proc(text.substr(segment_start), options);
  return out;
}

}  // namespace

char32_t next_code_point(std::string_view s, size_t& pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  // Length and the allowed range of the second byte (which excludes overlong
  // forms, surrogates and values past U+10FFFF), per lead byte.
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;
  char32_t cp = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, cp = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, cp = lead & 0x07;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    ++pos;
    return 0xFFFD;
  }
  // A bad sequence is replaced as a whole up to the first byte that breaks it
  // (the "maximal subpart" rule of Rust's from_utf8_lossy).
  size_t i = 1;
  for (; i < length; ++i) {
    if (pos + i >= s.size()) break;
    const unsigned char b = byte(pos + i);
    if (i == 1 ? (b < low || b > high) : !is_continuation(b)) break;
    cp = (cp << 6) | (b & 0x3F);
  }
  pos += i;
  return i == length ? cp : 0xFFFD;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
}

bool is_valid_utf8(std::string_view utf8) {
  for (size_t pos = 0; pos < utf8.size();) {
    const size_t start = pos;
    if (next_code_point(utf8, pos) == 0xFFFD && utf8.substr(start, pos - start) != "\xEF\xBF\xBD") return false;
  }
  return true;
}

std::u32string decode(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  for (size_t pos = 0; pos < utf8.size();) out.push_back(next_code_point(utf8, pos));
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // surrogates are not characters
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp <= 0x10FFFF) {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    append_utf8(out, 0xFFFD);
  }
}

std::string encode(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) append_utf8(out, cp);
  return out;
}

bool is_whitespace(char32_t c) { return contains<kWhiteSpace>(c); }
bool is_alphabetic(char32_t c) { return contains<kAlphabetic>(c); }
bool is_numeric(char32_t c) { return contains<kNumeric>(c); }
bool is_alphanumeric(char32_t c) { return is_alphabetic(c) || is_numeric(c); }
bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c < 0xA0); }
bool is_regex_word(char32_t c) { return contains<kRegexWord>(c); }
bool is_letter(char32_t c) { return contains<kOnigLetter>(c); }
bool is_number(char32_t c) { return contains<kOnigNumber>(c); }
bool is_punctuation(char32_t c) { return contains<kHfPunctuation>(c); }
bool is_other(char32_t c) { return contains<kHfOther>(c); }
bool is_nonspacing_mark(char32_t c) { return contains<kHfNonspacingMark>(c); }
bool is_combining_mark(char32_t c) { return contains<kHfCombiningMark>(c); }

std::span<const CodePointRange> onig_class(OnigClass c) {
  switch (c) {
    case OnigClass::Space:
      return kWhiteSpace;  // Oniguruma's \s is White_Space, as measured
    case OnigClass::Letter:
      return kOnigLetter;
    case OnigClass::Number:
      return kOnigNumber;
    case OnigClass::Word:
      return kOnigWord;
    case OnigClass::WordInClass:
      return kOnigWordInClass;
  }
  return {};
}

const char* category(char32_t c) { return utf8proc_category_string(static_cast<utf8proc_int32_t>(c)); }

std::string nfc(std::string_view s) { return normalize(s, utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE)); }
std::string nfd(std::string_view s) { return normalize(s, utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE)); }
std::string nfkc(std::string_view s) {
  return normalize(s, utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
}
std::string nfkd(std::string_view s) {
  return normalize(s, utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT));
}

void append_lowercase(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
  } else if (c == 0x130) {
    out += "i\xCC\x87";  // the one unconditional multi-character mapping (SpecialCasing.txt)
  } else {
    append_utf8(out, simple_lowercase(c));
  }
}

std::string to_lowercase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t pos = 0; pos < s.size();) append_lowercase(out, next_code_point(s, pos));
  return out;
}

size_t grapheme_end(std::string_view s, size_t start) {
  size_t pos = start;
  auto previous = static_cast<utf8proc_int32_t>(next_code_point(s, pos));
  utf8proc_int32_t state = 0;
  while (pos < s.size()) {
    size_t next = pos;
    const auto c = static_cast<utf8proc_int32_t>(next_code_point(s, next));
    if (utf8proc_grapheme_break_stateful(previous, c, &state)) break;
    previous = c;
    pos = next;
  }
  return pos;
}

}  // namespace xenc::unicode
