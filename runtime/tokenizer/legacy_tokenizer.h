// Directories without tokenizer.json: the tokenizer transformers builds from
// the "slow" vocabulary files, expressed as the tokenizer.json document it
// would save, so the same components run it.
//   vocab.txt                -> BERT: BertNormalizer (do_lower_case,
//                               tokenize_chinese_chars, strip_accents from
//                               tokenizer_config.json), BertPreTokenizer,
//                               WordPiece, [CLS] A [SEP] (B [SEP]) template
//   vocab.json + merges.txt  -> RoBERTa: ByteLevel (add_prefix_space), BPE,
//                               RobertaProcessing
// Added tokens: tokenizer_config.json's added_tokens_decoder in id order,
// then the named special tokens (family defaults unless configured).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/tokenizer/directory_config.h"

namespace xenc {

struct LegacyTokenizer {
  std::string file;          // the vocabulary file, named in errors
  nlohmann::json document;   // tokenizer.json without "post_processor"
  bool roberta = false;      // RobertaProcessing instead of the BERT template
  std::string cls_token;
  std::string sep_token;

  // The post-processor section, once the added vocabulary has resolved the ids.
  nlohmann::json post_processor(int32_t cls_id, int32_t sep_id) const;
};

// nullopt when the directory has neither vocab.txt nor vocab.json + merges.txt.
std::optional<LegacyTokenizer> read_legacy_tokenizer(const DirectoryConfig& config);

}  // namespace xenc
