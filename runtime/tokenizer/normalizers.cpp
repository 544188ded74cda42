// make_normalizer: the normalizers of tokenizer.json (BertNormalizer,
// Lowercase, NFC, NFD, NFKC, NFKD, StripAccents, Replace, Prepend, Strip,
// Precompiled, Sequence). Each rewrites the text in place; HF's alignment
// bookkeeping is not needed because xenc does not report offsets.
#include "runtime/tokenizer/base64.h"
#include "runtime/tokenizer/components.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/onig_regex.h"
#include "runtime/tokenizer/precompiled_charsmap.h"
#include "runtime/tokenizer/splitting.h"
#include "runtime/tokenizer/unicode.h"

namespace xenc {

namespace {

using namespace json_access;

// Rebuilds `text` from `map(code point, out)`, which appends the replacement.
template <typename Map>
void map_code_points(std::string& text, Map map) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (size_t pos = 0; pos < text.size();) map(unicode::next_code_point(text, pos), out);
  text.swap(out);
}

// The CJK ideograph blocks BERT puts spaces around (not kana or hangul).
bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

class BertNormalizer : public Normalizer {
 public:
  BertNormalizer(bool clean_text, bool handle_chinese_chars, bool strip_accents, bool lowercase)
      : clean_text_(clean_text),
        handle_chinese_chars_(handle_chinese_chars),
        strip_accents_(strip_accents),
        lowercase_(lowercase) {}

  void normalize(std::string& text) const override {
    if (unicode::is_ascii(text)) return normalize_ascii(text);
    if (clean_text_ || handle_chinese_chars_) {
      map_code_points(text, [this](char32_t c, std::string& out) {
        if (clean_text_) {
          if (is_removed(c)) return;
          if (is_space(c)) c = ' ';
        }
        if (handle_chinese_chars_ && is_chinese_char(c)) {
          out += ' ';
          unicode::append_utf8(out, c);
          out += ' ';
        } else {
          unicode::append_utf8(out, c);
        }
      });
    }
    if (!strip_accents_ && !lowercase_) return;
    if (strip_accents_) text = unicode::nfd(text);
    map_code_points(text, [this](char32_t c, std::string& out) {
      if (strip_accents_ && unicode::is_nonspacing_mark(c)) return;
      if (lowercase_)
        unicode::append_lowercase(out, c);
      else
        unicode::append_utf8(out, c);
    });
  }

 private:
  // \t \n \r are controls too, but BERT counts them as whitespace.
  static bool is_tab_or_newline(char32_t c) { return c == '\t' || c == '\n' || c == '\r'; }
  static bool is_removed(char32_t c) {
    return c == 0 || c == 0xFFFD || (unicode::is_other(c) && !is_tab_or_newline(c));
  }
  static bool is_space(char32_t c) { return is_tab_or_newline(c) || unicode::is_whitespace(c); }

  // The same steps on ASCII text, where no accent, no CJK and no
  // multi-byte case mapping can occur, in one pass in place.
  void normalize_ascii(std::string& text) const {
    size_t kept = 0;
    for (const char ch : text) {
      char c = ch;
      if (clean_text_) {
        if (is_removed(static_cast<unsigned char>(c))) continue;
        if (is_space(static_cast<unsigned char>(c))) c = ' ';
      }
      if (lowercase_ && c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
      text[kept++] = c;
    }
    text.resize(kept);
  }

  bool clean_text_, handle_chinese_chars_, strip_accents_, lowercase_;
};

// A normalizer that is one string function (Lowercase, NFC, NFD, NFKC, NFKD).
class FunctionNormalizer : public Normalizer {
 public:
  explicit FunctionNormalizer(std::string (*function)(std::string_view)) : function_(function) {}
  void normalize(std::string& text) const override { text = function_(text); }

 private:
  std::string (*function_)(std::string_view);
};

class StripAccents : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    map_code_points(text, [](char32_t c, std::string& out) {
      if (!unicode::is_combining_mark(c)) unicode::append_utf8(out, c);
    });
  }
};

class Replace : public Normalizer {
 public:
  Replace(OnigRegex pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}

  void normalize(std::string& text) const override {
    std::vector<ByteRange> matches;
    pattern_.find_all(text, matches);
    if (matches.empty()) return;
    std::string out;
    out.reserve(text.size());
    size_t previous_end = 0;
    for (const ByteRange& m : matches) {
      out.append(text, previous_end, m.start - previous_end);
      out += content_;
      previous_end = m.end;
    }
    out.append(text, previous_end);
    text.swap(out);
  }

 private:
  OnigRegex pattern_;
  std::string content_;
};

class Prepend : public Normalizer {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }

 private:
  std::string prefix_;
};

class Strip : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}

  void normalize(std::string& text) const override {
    size_t begin = 0, end = text.size();
    while (left_ && begin < end) {
      size_t next = begin;
      if (!unicode::is_whitespace(unicode::next_code_point(text, next))) break;
      begin = next;
    }
    while (right_ && end > begin) {
      // Back to the lead byte of the last character (at most 3 continuation bytes).
      size_t start = end - 1;
      while (start > begin && end - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
      size_t next = start;
      if (!unicode::is_whitespace(unicode::next_code_point(text, next)) || next != end) break;
      end = start;
    }
    text = text.substr(begin, end - begin);
  }

 private:
  bool left_, right_;
};

class Precompiled : public Normalizer {
 public:
  explicit Precompiled(PrecompiledCharsmap charsmap) : charsmap_(std::move(charsmap)) {}
  void normalize(std::string& text) const override { charsmap_.normalize(text); }

 private:
  PrecompiledCharsmap charsmap_;
};

class Sequence : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> normalizers) : normalizers_(std::move(normalizers)) {}
  void normalize(std::string& text) const override {
    for (const auto& n : normalizers_) n->normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> normalizers_;
};

bool required_bool(const Json& j, std::string_view key, const std::string& where) {
  return as_bool(member(j, key, where), path(where, key));
}

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const Json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  const std::optional<std::string> type = type_tag(j, where);
  if (!type) fail(path(where, "type"), "missing");
  if (*type == "BertNormalizer") {
    const bool lowercase = required_bool(j, "lowercase", where);
    // strip_accents: null follows lowercase, as in BERT's uncased models.
    return std::make_unique<BertNormalizer>(required_bool(j, "clean_text", where),
                                            required_bool(j, "handle_chinese_chars", where),
                                            bool_member(j, "strip_accents", where, lowercase), lowercase);
  }
  if (*type == "Lowercase") return std::make_unique<FunctionNormalizer>(&unicode::to_lowercase);
  if (*type == "NFC") return std::make_unique<FunctionNormalizer>(&unicode::nfc);
  if (*type == "NFD") return std::make_unique<FunctionNormalizer>(&unicode::nfd);
  if (*type == "NFKC") return std::make_unique<FunctionNormalizer>(&unicode::nfkc);
  if (*type == "NFKD") return std::make_unique<FunctionNormalizer>(&unicode::nfkd);
  if (*type == "StripAccents") return std::make_unique<StripAccents>();
  if (*type == "Replace")
    return std::make_unique<Replace>(read_pattern(member(j, "pattern", where), path(where, "pattern")),
                                     string_member(j, "content", where));
  if (*type == "Prepend") return std::make_unique<Prepend>(string_member(j, "prepend", where));
  if (*type == "Strip")
    return std::make_unique<Strip>(required_bool(j, "strip_left", where), required_bool(j, "strip_right", where));
  if (*type == "Precompiled") {
    const std::string at = path(where, "precompiled_charsmap");
    return std::make_unique<Precompiled>(
        PrecompiledCharsmap(decode_base64(string_member(j, "precompiled_charsmap", where), at), at));
  }
  if (*type == "Sequence") return std::make_unique<Sequence>(read_stages(j, "normalizers", where, make_normalizer));
  fail(path(where, "type"), "unknown normalizer '" + *type + "'");
}

}  // namespace xenc
