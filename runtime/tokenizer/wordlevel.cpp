// WordLevel: each pre-tokenized word is one vocabulary entry, or unk.
#include "graph/error.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/models.h"

namespace xenc {

namespace {

using namespace json_access;

class WordLevelModel final : public VocabularyModel {
 public:
  WordLevelModel(StringMap<int32_t> vocab, std::string unk_token, std::string where)
      : VocabularyModel(std::move(vocab)), unk_token_(std::move(unk_token)), where_(std::move(where)) {}

  void tokenize(std::string_view word, std::vector<int32_t>& ids) const override {
    if (word.empty()) return;
    if (auto id = token_to_id(word)) {
      ids.push_back(*id);
    } else if (auto unk = token_to_id(unk_token_)) {
      ids.push_back(*unk);
    } else {
      throw Error(path(where_, "unk_token") + ": '" + unk_token_ + "' is not in the vocabulary");
    }
  }

 private:
  std::string unk_token_;
  std::string where_;
};

}  // namespace

std::unique_ptr<TokenModel> make_wordlevel_model(const Json& j, const std::string& where) {
  require_object(j, where);
  StringMap<int32_t> vocab = read_vocab_object(member(j, "vocab", where), path(where, "vocab"));
  std::string unk = optional_string(j, "unk_token", where).value_or("<unk>");
  return std::make_unique<WordLevelModel>(std::move(vocab), std::move(unk), where);
}

}  // namespace xenc
