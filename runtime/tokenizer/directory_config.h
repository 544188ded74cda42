// What a model directory says about its tokenizer outside tokenizer.json:
// tokenizer_config.json (model_max_length, lowercasing, special tokens,
// added_tokens_decoder), special_tokens_map.json and config.json
// (max_position_embeddings, model_type). Missing files read as {}.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/tokenizer/added_vocabulary.h"

namespace xenc {

struct DirectoryConfig {
  std::filesystem::path dir;
  nlohmann::json tokenizer_config = nlohmann::json::object();
  nlohmann::json special_tokens_map = nlohmann::json::object();
  nlohmann::json model_config = nlohmann::json::object();

  static DirectoryConfig read(const std::filesystem::path& dir);

  std::string file(std::string_view name) const { return (dir / name).string(); }

  // A named special token ("pad_token", "cls_token", ...): special_tokens_map.json
  // wins over tokenizer_config.json; the value is a string or an AddedToken object.
  std::optional<AddedToken> special_token(std::string_view name) const;

  // The default max_length (0: no limit known). The rule, following what
  // transformers does for a cross-encoder call (truncation=True, no max_length):
  //  1. tokenizer_config.json model_max_length, unless it is transformers'
  //     "no limit" placeholder (1e30); else the max_length of tokenizer.json's
  //     truncation section when it has one;
  //  2. capped by config.json max_position_embeddings, less pad_token_id + 1
  //     for the families whose position ids start after the padding index
  //     (RoBERTa, XLM-R, CamemBERT, ...: 514 positions -> 512 tokens).
  size_t default_max_length(std::optional<size_t> truncation_max_length) const;
  // The most tokens the model's position embeddings allow (rule 2 above);
  // nullopt when config.json does not say.
  std::optional<size_t> position_limit() const;
};

}  // namespace xenc
