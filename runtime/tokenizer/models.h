// The token models behind make_model, one file each. Each factory reads its
// tokenizer.json "model" section; `where` is that section's JSON path.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/tokenizer/components.h"
#include "runtime/tokenizer/string_map.h"

namespace xenc {

std::unique_ptr<TokenModel> make_wordpiece_model(const nlohmann::json& j, const std::string& where);
std::unique_ptr<TokenModel> make_bpe_model(const nlohmann::json& j, const std::string& where);
std::unique_ptr<TokenModel> make_unigram_model(const nlohmann::json& j, const std::string& where);
std::unique_ptr<TokenModel> make_wordlevel_model(const nlohmann::json& j, const std::string& where);

// A {"token": id, ...} vocabulary; ids must be unsigned 32-bit integers.
StringMap<int32_t> read_vocab_object(const nlohmann::json& j, const std::string& where);

}  // namespace xenc
