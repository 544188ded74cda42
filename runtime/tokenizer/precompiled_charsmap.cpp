#include "runtime/tokenizer/precompiled_charsmap.h"


#include "graph/error.h"
#include "runtime/tokenizer/unicode.h"

namespace xenc {

namespace {

// Fields of a double-array unit (SentencePiece's Darts-clone layout).
bool has_leaf(size_t unit) { return ((unit >> 8) & 1) == 1; }
size_t value(size_t unit) { return unit & ((size_t{1} << 31) - 1); }
size_t label(size_t unit) { return unit & ((size_t{1} << 31) | 0xFF); }
size_t offset(size_t unit) { return (unit >> 10) << ((unit & (size_t{1} << 9)) >> 6); }

uint32_t read_u32_le(std::string_view bytes, size_t at) {
  const auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i])); };
  return b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24);
}

}  // namespace

PrecompiledCharsmap::PrecompiledCharsmap(std::string_view blob, const std::string& where) {
  if (blob.size() < 4) throw Error(where + ": cannot parse precompiled_charsmap: " + std::to_string(blob.size()) + " bytes");
  const size_t trie_bytes = read_u32_le(blob, 0);
  const size_t units = trie_bytes / 4;
  if (units > (blob.size() - 4) / 4)
    throw Error(where + ": cannot parse precompiled_charsmap: its trie of " + std::to_string(trie_bytes) +
                " bytes does not fit in " + std::to_string(blob.size()) + " bytes");
  trie_.resize(units);
  for (size_t i = 0; i < units; ++i) trie_[i] = read_u32_le(blob, 4 + 4 * i);
  replacements_ = std::string(blob.substr(4 + 4 * units));
  if (!unicode::is_valid_utf8(replacements_))
    throw Error(where + ": cannot parse precompiled_charsmap: its replacement strings are not valid UTF-8");
  for (size_t ascii = 0; ascii < 128; ++ascii) {
    const char ch = static_cast<char>(ascii);
    if (const std::optional<std::string_view> r = transform(std::string_view(&ch, 1))) {
      ascii_replacement_[ascii] = *r;
      ascii_replaced_.set(ascii);
    }
  }
}

std::optional<std::string_view> PrecompiledCharsmap::transform(std::string_view chunk) const {
  if (trie_.empty()) return std::nullopt;
  // Bounds are checked where HF's Rust would panic on a malformed trie.
  size_t node = offset(trie_[0]);
  for (const char ch : chunk) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte == 0) break;
    node ^= byte;
    if (node >= trie_.size()) return std::nullopt;
    const size_t unit = trie_[node];
    if (label(unit) != byte) return std::nullopt;
    node ^= offset(unit);
    if (has_leaf(unit)) {
      // Only the first (shortest) key found counts, as in HF.
      if (node >= trie_.size()) return std::nullopt;
      const size_t start = value(trie_[node]);
      if (start > replacements_.size()) return std::nullopt;
      const size_t end = replacements_.find('\0', start);
      return std::string_view(replacements_).substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
  }
  return std::nullopt;
}

void PrecompiledCharsmap::normalize(std::string& text) const {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  const std::string_view in = text;
  for (size_t start = 0; start < in.size();) {
    const auto byte = static_cast<unsigned char>(in[start]);
    if (byte < 0x80 && byte != '\r' && (start + 1 == in.size() || static_cast<unsigned char>(in[start + 1]) < 0x80)) {
      if (ascii_replaced_[byte])
        out += ascii_replacement_[byte];
      else
        out += static_cast<char>(byte);
      ++start;
      continue;
    }
    const size_t end = unicode::grapheme_end(in, start);
    const std::string_view grapheme = in.substr(start, end - start);
    std::optional<std::string_view> whole;
    if (grapheme.size() < 6) whole = transform(grapheme);
    if (whole) {
      out += *whole;
    } else {
      for (size_t pos = start; pos < end;) {
        const size_t char_start = pos;
        unicode::next_code_point(in, pos);
        const std::string_view character = in.substr(char_start, pos - char_start);
        const std::optional<std::string_view> replaced = transform(character);
        out += replaced ? *replaced : character;
      }
    }
    start = end;
  }
  text.swap(out);
}

}  // namespace xenc
