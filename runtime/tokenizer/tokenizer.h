// A Hugging Face "fast" tokenizer rebuilt from a model directory's own files,
// producing the ids, type ids and masks a cross-encoder takes, id for id
// with HF `tokenizers`.
//
// Encoding one sequence (HF TokenizerImpl::encode_single_sequence):
//   added-token split (raw) -> normalizer -> added-token split (normalized)
//   -> pre-tokenizer -> model; matched added tokens bypass the last two.
// A pair: both sequences (type ids 0 and 1), truncation to the budget left by
// the post-processor's special tokens, then the post-processor.
//
// Immutable after loading; encode* may be called from several threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/tokenizer/added_vocabulary.h"
#include "runtime/tokenizer/components.h"
#include "runtime/tokenizer/truncation.h"

namespace xenc {

// One text or a pair of texts to encode together.
struct TextPair {
  std::string_view a;
  std::optional<std::string_view> b;
};

// Row-major [batch_size, sequence_length] int64 tensors, ready for the model.
struct BatchEncoding {
  size_t batch_size = 0;
  size_t sequence_length = 0;
  std::vector<int64_t> input_ids;
  std::vector<int64_t> token_type_ids;
  std::vector<int64_t> attention_mask;
};

class Tokenizer {
 public:
  // DIR/tokenizer.json, or else the legacy vocab.txt (BERT) or vocab.json +
  // merges.txt (RoBERTa) files (legacy_tokenizer.h), or else a SentencePiece
  // .model (sentencepiece_conversion.h); tokenizer_config.json,
  // special_tokens_map.json and config.json supply the defaults (see DirectoryConfig).
  static Tokenizer from_dir(const std::filesystem::path& dir);
  // A parsed tokenizer.json; `file` names it in errors.
  static Tokenizer from_json(const nlohmann::json& document, const std::string& file);

  // With special tokens. max_length 0: no truncation. Truncation uses the
  // strategy and direction of tokenizer.json's truncation section when it has
  // one, else longest_first from the right, like HF.
  Encoding encode(std::string_view text, size_t max_length = 0) const;
  Encoding encode_pair(std::string_view a, std::string_view b, size_t max_length) const;

  // The default max_length for this model directory (0: no limit known; the
  // rule is DirectoryConfig::default_max_length).
  size_t max_length() const { return max_length_; }

  // Pads encodings to the longest with the pad id (attention mask 0 there).
  BatchEncoding pad(std::span<const Encoding> encodings) const;
  BatchEncoding encode_batch(std::span<const TextPair> texts, size_t max_length) const;

  std::optional<int32_t> token_to_id(std::string_view token) const;
  int32_t pad_id() const { return padding_.pad_id; }
  // Special tokens the post-processor adds to a single sequence or a pair.
  size_t added_tokens(bool pair) const { return post_processor_ ? post_processor_->added_tokens(pair) : 0; }

 private:
  struct Padding {
    int32_t pad_id = 0;
    int32_t pad_type_id = 0;
    bool left = false;
    bool from_file = false;  // tokenizer.json's padding section (else the pad token of the directory)
  };

  Tokenizer() = default;
  // Ids and type ids of one sequence, before truncation and special tokens.
  Encoding encode_sequence(std::string_view text, int32_t type_id) const;
  Encoding finish(Encoding a, Encoding* b, size_t max_length) const;

  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<TokenModel> model_;
  std::unique_ptr<PostProcessor> post_processor_;
  AddedVocabulary added_vocabulary_;
  std::optional<Truncation> truncation_;  // tokenizer.json's section
  Padding padding_;
  size_t max_length_ = 0;
};

}  // namespace xenc
