#include "runtime/tokenizer/byte_level.h"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/onig_regex.h"
#include "runtime/tokenizer/unicode.h"

namespace xenc {

namespace {

using namespace json_access;

// The classes GPT-2's pattern tells apart: \s, \p{L}, \p{N}, and the rest.
enum class CharClass : uint8_t { Space, Letter, Number, Other };

CharClass classify(char32_t c) {
  if (unicode::is_whitespace(c)) return CharClass::Space;
  if (unicode::is_letter(c)) return CharClass::Letter;
  if (unicode::is_number(c)) return CharClass::Number;
  return CharClass::Other;
}

// The contraction ('s 't 're 've 'm 'll 'd) at `at` (an apostrophe), as a byte length, or 0.
size_t contraction_length(std::string_view text, size_t at) {
  const std::string_view rest = text.substr(at + 1);
  if (rest.empty()) return 0;
  switch (rest[0]) {
    case 's':
    case 't':
    case 'm':
    case 'd':
      return 2;
    case 'r':
    case 'v':
      return rest.size() > 1 && rest[1] == 'e' ? 3 : 0;
    case 'l':
      return rest.size() > 1 && rest[1] == 'l' ? 3 : 0;
    default:
      return 0;
  }
}

// The pieces GPT-2's pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// cuts `text` into (with Oniguruma's classes), found without a regex engine.
void split_gpt2(std::string_view text, std::vector<ByteRange>& out) {
  // Decode once: the byte offset and class of every character (plus an end marker).
  thread_local std::vector<size_t> offsets;
  thread_local std::vector<CharClass> classes;
  offsets.clear();
  classes.clear();
  for (size_t pos = 0; pos < text.size();) {
    offsets.push_back(pos);
    classes.push_back(classify(unicode::next_code_point(text, pos)));
  }
  const size_t n = classes.size();
  offsets.push_back(text.size());

  // Every character falls in one of the pattern's alternatives, so the matches
  // tile the text; at each start the first alternative that matches wins.
  for (size_t i = 0; i < n;) {
    size_t end = i + 1;  // in characters
    const size_t contraction = text[offsets[i]] == '\'' ? contraction_length(text, offsets[i]) : 0;
    if (contraction > 0) {
      end = i + contraction;  // the contraction is ASCII: one byte per character
    } else if (text[offsets[i]] == ' ' && i + 1 < n && classes[i + 1] != CharClass::Space) {
      // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+" with the optional space.
      end = i + 2;
      while (end < n && classes[end] == classes[i + 1]) ++end;
    } else if (classes[i] != CharClass::Space) {
      while (end < n && classes[end] == classes[i]) ++end;
    } else {
      while (end < n && classes[end] == CharClass::Space) ++end;
      // "\s+(?!\S)" gives the last space of a run to the word after it; a
      // single space before a word is left to "\s+".
      if (end < n && end - i > 1) --end;
    }
    out.push_back({offsets[i], offsets[end]});
    i = end;
  }
}

// The UTF-8 of the character GPT-2 uses for a byte.
struct Spelling {
  char bytes[2];
  uint8_t size;
};

// Printable Latin-1 bytes stand for themselves; the other 68 map to U+0100
// onwards, in byte order.
const std::array<Spelling, 256>& byte_spellings() {
  static const std::array<Spelling, 256> kSpellings = [] {
    std::array<Spelling, 256> spellings{};
    char32_t next_substitute = 0x100;
    for (unsigned b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      std::string utf8;
      unicode::append_utf8(utf8, printable ? static_cast<char32_t>(b) : next_substitute++);
      spellings[b].size = static_cast<uint8_t>(utf8.size());
      utf8.copy(spellings[b].bytes, utf8.size());
    }
    return spellings;
  }();
  return kSpellings;
}

class ByteLevel : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, bool use_regex) : add_prefix_space_(add_prefix_space), use_regex_(use_regex) {}

  void pre_tokenize(std::vector<std::string>& pieces, bool) const override {
    const std::array<Spelling, 256>& spellings = byte_spellings();
    std::vector<std::string> out;
    out.reserve(pieces.size() * 8);
    std::vector<ByteRange> ranges;
    for (std::string& piece : pieces) {
      if (piece.empty()) continue;  // HF keeps no empty piece (and prepends nothing to one)
      // HF adds the space to every piece it is given, not only the first.
      if (add_prefix_space_ && !piece.starts_with(' ')) piece.insert(0, 1, ' ');
      ranges.clear();
      if (use_regex_)
        split_gpt2(piece, ranges);
      else
        ranges.push_back({0, piece.size()});
      for (const ByteRange& r : ranges) {
        std::string& spelled = out.emplace_back();
        spelled.reserve(2 * (r.end - r.start));
        for (size_t i = r.start; i < r.end; ++i) {
          const Spelling& s = spellings[static_cast<unsigned char>(piece[i])];
          spelled.append(s.bytes, s.size);
        }
      }
    }
    pieces.swap(out);
  }

 private:
  bool add_prefix_space_, use_regex_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_byte_level_pre_tokenizer(const Json& j, const std::string& where) {
  const bool add_prefix_space = as_bool(member(j, "add_prefix_space", where), path(where, "add_prefix_space"));
  as_bool(member(j, "trim_offsets", where), path(where, "trim_offsets"));  // required by HF; offsets are not tracked
  return std::make_unique<ByteLevel>(add_prefix_space, bool_member(j, "use_regex", where, true));
}

}  // namespace xenc
