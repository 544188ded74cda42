// The added tokens of a tokenizer (tokenizer.json "added_tokens": special
// tokens such as [CLS] or <mask>, and user-added words). Before the
// pipeline runs, the input is cut on them the way HF's AddedVocabulary does:
//  1. tokens with normalized=false are matched on the raw text;
//  2. each remaining piece is normalized, then tokens with normalized=true
//     are matched (in their normalized spelling) on it.
// Matches are leftmost-longest and non-overlapping; single_word, lstrip and
// rstrip refine them. A matched token bypasses the pre-tokenizer and model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/tokenizer/byte_trie.h"
#include "runtime/tokenizer/components.h"
#include "runtime/tokenizer/string_map.h"

namespace xenc {

struct AddedToken {
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;
  bool operator==(const AddedToken&) const = default;
};

// Reads one "added_tokens" entry (its "id" is not used: see AddedVocabulary).
AddedToken read_added_token(const nlohmann::json& j, const std::string& where);

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // Tokens in file order. Ids are assigned as HF assigns them when it loads
  // the list: the model's id when the model knows the content, else the next
  // id after the vocabulary and the previous added tokens.
  AddedVocabulary(const std::vector<AddedToken>& tokens, const TokenModel& model, const Normalizer* normalizer);

  bool empty() const { return ids_.empty(); }
  std::optional<int32_t> token_to_id(std::string_view content) const;

  // A piece of the input: an added token (id >= 0) or normalized text for the
  // pre-tokenizer and model (id < 0).
  struct Segment {
    std::string text;
    int32_t id = -1;
  };
  // Appends the segments of `text`; empty text segments are dropped.
  void split(std::string_view text, const Normalizer* normalizer, std::vector<Segment>& out) const;

 private:
  struct Matcher {
    ByteTrie trie;  // pattern -> index into ids
    std::vector<int32_t> ids;
  };
  struct Match {
    size_t start, end;
    int32_t id;
  };

  static Matcher build_matcher(std::vector<std::pair<std::string, int32_t>> patterns);
  // HF's find_matches: the token matches in `text`, with single_word, lstrip and rstrip applied.
  std::vector<Match> find_matches(std::string_view text, const Matcher& matcher) const;
  // Cuts normalized text on the normalized=true tokens.
  void split_normalized(std::string normalized, std::vector<Segment>& out) const;

  StringMap<int32_t> ids_;                           // content -> id
  std::unordered_map<int32_t, AddedToken> options_;  // id -> the token last given that id (its flags apply)
  Matcher raw_;                                      // normalized=false tokens
  Matcher normalized_;                               // normalized=true tokens, in their normalized spelling
};

}  // namespace xenc
