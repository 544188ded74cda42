// The regexes of tokenizer.json (Split, Replace): HF compiles them with
// Oniguruma; xenc runs them with PCRE2 (JIT), spelling out the classes whose
// meaning differs between the two: \s (PCRE2 adds U+180E), \w (Unicode word
// characters in Oniguruma, plus ²³¹¼½¾ outside brackets), \h (a hex digit in
// Oniguruma), and \p{L} / \p{N} (Oniguruma's tables are newer than PCRE2's).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace xenc {

struct ByteRange {
  size_t start;
  size_t end;
};

class OnigRegex {
 public:
  // Throws xenc::Error naming `where` when the pattern does not compile.
  OnigRegex(std::string_view pattern, const std::string& where);
  // A pattern matching `text` literally (HF escapes a String pattern).
  static OnigRegex literal(std::string_view text, const std::string& where);
  OnigRegex(OnigRegex&&) noexcept;
  OnigRegex& operator=(OnigRegex&&) noexcept;
  ~OnigRegex();

  // The matches in `text`, in order, the way Oniguruma's find_iter yields
  // them: leftmost-first from where the last match ended, and an empty match
  // right at the end of the previous match is skipped by one character.
  // Invalid UTF-8 in `text` is first replaced, as decode() does.
  void find_all(std::string& text, std::vector<ByteRange>& matches) const;

  // The PCRE2 pattern an Oniguruma pattern becomes (exposed for tests).
  static std::string translate(std::string_view pattern);

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
  std::string where_;
};

}  // namespace xenc
