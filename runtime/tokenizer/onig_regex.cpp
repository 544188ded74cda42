#include "runtime/tokenizer/onig_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>
#include <cstdio>

#include "graph/error.h"
#include "runtime/tokenizer/unicode.h"

namespace xenc {

namespace {

// PCRE2 class items ("\x{41}-\x{5A}...") for an Oniguruma class, built once.
const std::string& class_items(unicode::OnigClass c) {
  static const std::array<std::string, 5> kItems = [] {
    std::array<std::string, 5> items;
    for (size_t i = 0; i < items.size(); ++i) {
      char buffer[32];
      for (const unicode::CodePointRange& r : unicode::onig_class(static_cast<unicode::OnigClass>(i))) {
        const auto first = static_cast<unsigned>(r.first), last = static_cast<unsigned>(r.last);
        if (first == last)
          std::snprintf(buffer, sizeof buffer, "\\x{%X}", first);
        else
          std::snprintf(buffer, sizeof buffer, "\\x{%X}-\\x{%X}", first, last);
        items[i] += buffer;
      }
    }
    return items;
  }();
  return kItems[static_cast<size_t>(c)];
}

// The class an escape at pattern[i] ('\\' ...) stands for in Oniguruma, with
// the number of pattern bytes it takes, or null when PCRE2 agrees already.
struct ClassEscape {
  const std::string* items = nullptr;
  bool negated = false;
  size_t length = 0;
};

ClassEscape class_escape(std::string_view pattern, size_t i, bool in_class) {
  static const std::string kHexDigit = "0-9a-fA-F";
  const std::string_view rest = pattern.substr(i + 1);
  using unicode::OnigClass;
  switch (rest.empty() ? '\0' : rest[0]) {
    case 's':
    case 'S':
      return {&class_items(OnigClass::Space), rest[0] == 'S', 2};
    case 'w':
    case 'W':
      return {&class_items(in_class ? OnigClass::WordInClass : OnigClass::Word), rest[0] == 'W', 2};
    case 'h':
    case 'H':
      return {&kHexDigit, rest[0] == 'H', 2};
    case 'p':
    case 'P':
      if (rest.substr(1, 3) == "{L}") return {&class_items(OnigClass::Letter), rest[0] == 'P', 5};
      if (rest.substr(1, 3) == "{N}") return {&class_items(OnigClass::Number), rest[0] == 'P', 5};
      return {};
    default:
      return {};
  }
}

// Per-thread match state: the match data and a JIT stack larger than PCRE2's
// 32 KiB default, for patterns with deep alternations.
struct MatchState {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  pcre2_jit_stack* jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  MatchState() { pcre2_jit_stack_assign(context, nullptr, jit_stack); }
  ~MatchState() {
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(jit_stack);
    pcre2_match_data_free(data);
  }
  MatchState(const MatchState&) = delete;
  MatchState& operator=(const MatchState&) = delete;
};

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof buffer);
  return reinterpret_cast<const char*>(buffer);
}

size_t utf8_char_length(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

}  // namespace

struct OnigRegex::Compiled {
  pcre2_code* code = nullptr;
  ~Compiled() { pcre2_code_free(code); }
};

std::string OnigRegex::translate(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char ch = pattern[i];
    if (ch == '\\' && i + 1 < pattern.size()) {
      if (pattern[i + 1] == 'Q') {  // \Q...\E is literal text: copy it untouched
        const size_t end = pattern.find("\\E", i + 2);
        const size_t stop = end == std::string_view::npos ? pattern.size() : end + 2;
        out.append(pattern.substr(i, stop - i));
        i = stop - 1;
        continue;
      }
      const ClassEscape escape = class_escape(pattern, i, in_class);
      if (escape.items != nullptr && !(in_class && escape.negated)) {
        if (in_class)
          out += *escape.items;
        else
          out += (escape.negated ? "[^" : "[") + *escape.items + "]";
        i += escape.length - 1;
        continue;
      }
      // Any other escape, and a negated class inside a class (a class cannot
      // hold a complement), keeps PCRE2's meaning.
      out += ch;
      out += pattern[++i];
      continue;
    }
    if (!in_class && ch == '[') {
      in_class = true;
      out += ch;
      // "[^" and a ']' right after the opening bracket are part of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (in_class && ch == '[' && i + 1 < pattern.size() && pattern[i + 1] == ':') {
      const size_t end = pattern.find(":]", i + 2);  // a POSIX class such as [:alpha:]
      if (end != std::string_view::npos) {
        out.append(pattern.substr(i, end + 2 - i));
        i = end + 1;
        continue;
      }
    }
    if (in_class && ch == ']') in_class = false;
    out += ch;
  }
  return out;
}

OnigRegex::OnigRegex(std::string_view pattern, const std::string& where)
    : compiled_(std::make_unique<Compiled>()), where_(where) {
  const std::string translated = translate(pattern);
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  pcre2_set_newline(context, PCRE2_NEWLINE_LF);
  int error = 0;
  PCRE2_SIZE offset = 0;
  // Oniguruma's Ruby syntax makes ^ and $ line anchors.
  compiled_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                  PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE, &error, &offset, context);
  pcre2_compile_context_free(context);
  if (compiled_->code == nullptr)
    throw Error(where + ": invalid regex \"" + std::string(pattern) + "\": " + pcre2_message(error));
  pcre2_jit_compile(compiled_->code, PCRE2_JIT_COMPLETE);  // without JIT, PCRE2 interprets
}

OnigRegex OnigRegex::literal(std::string_view text, const std::string& where) {
  std::string escaped;
  for (char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    const bool plain = byte >= 0x80 || (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
                       (byte >= 'A' && byte <= 'Z');
    if (!plain) escaped += '\\';
    escaped += ch;
  }
  return OnigRegex(escaped, where);
}

OnigRegex::OnigRegex(OnigRegex&&) noexcept = default;
OnigRegex& OnigRegex::operator=(OnigRegex&&) noexcept = default;
OnigRegex::~OnigRegex() = default;

void OnigRegex::find_all(std::string& text, std::vector<ByteRange>& matches) const {
  if (text.empty()) return;  // HF's find_matches reports no match, not even an empty one, in empty text
  thread_local MatchState state;
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  uint32_t options = 0;  // the first search checks the UTF-8 of the whole text, later ones need not
  size_t search_from = 0;
  bool have_last = false;
  size_t last_end = 0;
  while (search_from <= text.size()) {
    const int rc = pcre2_match(compiled_->code, subject, text.size(), search_from, options, state.data, state.context);
    if (rc == PCRE2_ERROR_NOMATCH) return;
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21 && options == 0) {
      text = unicode::encode(unicode::decode(text));
      subject = reinterpret_cast<PCRE2_SPTR>(text.data());
      continue;
    }
    if (rc < 0) throw Error(where_ + ": regex search failed: " + pcre2_message(rc));
    options = PCRE2_NO_UTF_CHECK;
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(state.data);
    const size_t start = ovector[0], end = ovector[1];
    if (start == end && have_last && end == last_end) {
      // Oniguruma refuses an empty match where the last one ended and
      // searches again one character further.
      if (search_from >= text.size()) return;
      search_from += utf8_char_length(static_cast<unsigned char>(text[search_from]));
      continue;
    }
    matches.push_back({start, end});
    have_last = true;
    last_end = end;
    search_from = end;
  }
}

}  // namespace xenc
