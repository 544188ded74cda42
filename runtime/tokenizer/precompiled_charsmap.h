// SentencePiece's precompiled_charsmap (the Precompiled normalizer of
// tokenizer.json): a double-array trie over UTF-8 bytes whose leaves index
// NUL-terminated replacement strings, applied the way HF's Precompiled does.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xenc {

class PrecompiledCharsmap {
 public:
  // `blob`: the decoded charsmap, a little-endian u32 trie size in bytes, the
  // trie units, then the replacement strings. Throws xenc::Error at `where`
  // when it cannot be parsed.
  PrecompiledCharsmap(std::string_view blob, const std::string& where);

  // Grapheme cluster by cluster: a cluster shorter than 6 bytes whose bytes
  // start with a trie key is replaced as a whole; otherwise each character is
  // looked up on its own. (HF's comment says it checked this odd rule against
  // XNLI in every language; it is what SentencePiece's models expect.)
  void normalize(std::string& text) const;

 private:
  // The replacement of the shortest trie key that prefixes `chunk`.
  std::optional<std::string_view> transform(std::string_view chunk) const;

  std::vector<uint32_t> trie_;
  std::string replacements_;
  // transform() of each ASCII character, looked up once: ASCII text is common
  // and, but for CR LF, an ASCII character followed by one is a cluster alone.
  std::array<std::string, 128> ascii_replacement_;
  std::bitset<128> ascii_replaced_;
};

}  // namespace xenc
