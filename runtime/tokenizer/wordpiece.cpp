// WordPiece (BERT, ELECTRA): greedy longest-match-first over each word.
// A word whose pieces cannot all be found, or that is longer than
// max_input_chars_per_word characters, becomes a single unk token.
#include <optional>

#include "graph/error.h"
#include "runtime/tokenizer/byte_trie.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/models.h"

namespace xenc {

namespace {

using namespace json_access;

size_t count_utf8_chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

class WordPieceModel final : public VocabularyModel {
 public:
  WordPieceModel(StringMap<int32_t> vocab, std::string unk_token, std::string prefix, size_t max_chars,
                 std::string where)
      : VocabularyModel(std::move(vocab)),
        unk_token_(std::move(unk_token)),
        max_input_chars_per_word_(max_chars),
        where_(std::move(where)),
        unk_id_(token_to_id(unk_token_)) {
    // Keys are views into the vocabulary's nodes, which never move.
    std::vector<ByteTrie::Entry> word_start, continuation;
    word_start.reserve(this->vocab().size());
    for (const auto& [token, id] : this->vocab()) {
      word_start.push_back({token, id});
      if (std::string_view(token).starts_with(prefix))
        continuation.push_back({std::string_view(token).substr(prefix.size()), id});
    }
    word_start_ = ByteTrie(std::move(word_start));
    continuation_ = ByteTrie(std::move(continuation));
  }

  // HF tries ever shorter prefixes of the rest of the word (prefixed with
  // continuing_subword_prefix after the first piece) against the vocabulary;
  // the tries find the same longest match in one walk.
  void tokenize(std::string_view word, std::vector<int32_t>& ids) const override {
    if (word.empty()) return;
    const size_t first = ids.size();
    if (count_utf8_chars(word) <= max_input_chars_per_word_) {
      size_t pos = 0;
      while (pos < word.size()) {
        const auto [length, id] = (pos == 0 ? word_start_ : continuation_).longest_prefix(word.substr(pos));
        if (length == 0) break;
        ids.push_back(id);
        pos += length;
      }
      if (pos == word.size()) return;
    }
    ids.resize(first);
    if (!unk_id_) throw Error(path(where_, "unk_token") + ": '" + unk_token_ + "' is not in the vocabulary");
    ids.push_back(*unk_id_);
  }

 private:
  std::string unk_token_;
  size_t max_input_chars_per_word_;
  std::string where_;
  std::optional<int32_t> unk_id_;
  ByteTrie word_start_;    // every token
  ByteTrie continuation_;  // tokens that start with the prefix, prefix removed
};

}  // namespace

std::unique_ptr<TokenModel> make_wordpiece_model(const Json& j, const std::string& where) {
  require_object(j, where);
  StringMap<int32_t> vocab = read_vocab_object(member(j, "vocab", where), path(where, "vocab"));
  std::string unk = optional_string(j, "unk_token", where).value_or("[UNK]");
  std::string prefix = optional_string(j, "continuing_subword_prefix", where).value_or("##");
  const uint32_t max_chars = u32_member(j, "max_input_chars_per_word", where, 100);
  return std::make_unique<WordPieceModel>(std::move(vocab), std::move(unk), std::move(prefix), max_chars, where);
}

}  // namespace xenc
