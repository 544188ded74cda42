// The token models behind make_model, one file each. Each factory reads its
// tokenizer.json "model" section; `where` is that section's JSON path.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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

// A model whose vocabulary is one token -> id map, which answers token_to_id and vocab_size.
class VocabularyModel : public TokenModel {
 public:
  explicit VocabularyModel(StringMap<int32_t> vocab) : vocab_(std::move(vocab)) {}

  std::optional<int32_t> token_to_id(std::string_view token) const final {
    auto it = vocab_.find(token);
    if (it == vocab_.end()) return std::nullopt;
    return it->second;
  }

  size_t vocab_size() const override { return vocab_.size(); }

 protected:
  const StringMap<int32_t>& vocab() const { return vocab_; }

 private:
  StringMap<int32_t> vocab_;
};

// The ids of the <0x00>..<0xFF> tokens that byte_fallback (BPE, Unigram)
// spells an unknown piece with.
class ByteFallbackIds {
 public:
  explicit ByteFallbackIds(const StringMap<int32_t>& vocab);

  // HF falls back on bytes only when every byte of the piece has a token.
  bool covers(std::string_view piece) const;
  int32_t operator[](char byte) const { return ids_[static_cast<unsigned char>(byte)]; }

 private:
  std::array<int32_t, 256> ids_;  // -1 where the vocabulary has no token
};

}  // namespace xenc
