// make_model: dispatch on the "model" section's type.
#include "runtime/tokenizer/models.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "runtime/tokenizer/json_access.h"

namespace xenc {

using namespace json_access;

StringMap<int32_t> read_vocab_object(const Json& j, const std::string& where) {
  if (!j.is_object()) fail_type(where, "an object of token -> id", j);
  StringMap<int32_t> vocab;
  vocab.reserve(j.size());
  for (const auto& item : j.items()) {
    const std::string& token = item.key();  // a name the lambda can capture (clang < 16 cannot capture bindings)
    const uint32_t v = as_u32(item.value(), [&] { return path(where, token); });
    if (v > static_cast<uint32_t>(std::numeric_limits<int32_t>::max()))
      fail(path(where, token), "id " + std::to_string(v) + " is too large");
    vocab.insert_or_assign(token, static_cast<int32_t>(v));
  }
  return vocab;
}

ByteFallbackIds::ByteFallbackIds(const StringMap<int32_t>& vocab) {
  ids_.fill(-1);
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    auto it = vocab.find(std::string_view(name));
    if (it != vocab.end()) ids_[static_cast<size_t>(b)] = it->second;
  }
}

bool ByteFallbackIds::covers(std::string_view piece) const {
  return std::all_of(piece.begin(), piece.end(), [&](char c) { return (*this)[c] >= 0; });
}

namespace {

// Old tokenizer.json files omit the model's type; HF then recognises it by its fields.
std::string infer_model_type(const Json& j) {
  if (j.contains("merges")) return "BPE";
  if (j.contains("vocab") && j["vocab"].is_array()) return "Unigram";
  if (j.contains("continuing_subword_prefix") || j.contains("max_input_chars_per_word")) return "WordPiece";
  return "WordLevel";
}

}  // namespace

std::unique_ptr<TokenModel> make_model(const Json& j, const std::string& where) {
  const std::string type = type_tag(j, where).value_or(infer_model_type(j));
  if (type == "WordPiece") return make_wordpiece_model(j, where);
  if (type == "BPE") return make_bpe_model(j, where);
  if (type == "Unigram") return make_unigram_model(j, where);
  if (type == "WordLevel") return make_wordlevel_model(j, where);
  fail(path(where, "type"), "unknown model '" + type + "'");
}

}  // namespace xenc
