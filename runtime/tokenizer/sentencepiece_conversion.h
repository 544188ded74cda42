// Directories with a SentencePiece `.model` and no tokenizer.json: the
// tokenizer.json document that transformers 4.57 writes when it converts the
// "slow" tokenizer to a fast one (convert_slow_tokenizer.py), so that the
// same components run it. HF's converted tokenizers are the reference, and
// they differ from sentencepiece itself (see tests/fixtures/tokenizers/README.md).
//
// By tokenizer_config.json "tokenizer_class" (with or without "Fast"):
//   XLMRobertaTokenizer  (sentencepiece.bpe.model): fairseq ids <s> <pad> </s> <unk>,
//       then the pieces from id 3 on (+1), then <mask>; Unigram (unk id 3) or BPE;
//       Sequence[Precompiled, Strip(right), Replace(" {2,}" -> "▁")], Metaspace,
//       <s> A </s> (</s> B </s>), all type ids 0
//   DebertaV2Tokenizer   (spm.model): the pieces as they are; Unigram or BPE;
//       Sequence[Lowercase if do_lower_case, Strip, Precompiled, Replace(" {2,}" -> " ")],
//       Sequence[Punctuation if split_by_punct, Metaspace],
//       [CLS] A [SEP] (B [SEP]) with type ids 0 / 1
// (Precompiled only when the model has a charsmap; Metaspace prepends "▁"
// to every segment: prepend_scheme "always".)
// A BPE model gets the merges transformers derives from the piece scores.
//
// Added tokens follow transformers' rules: CONTROL pieces (special) and
// USER_DEFINED pieces, then tokenizer_config.json's added_tokens_decoder, then
// the named special tokens (bos, eos, unk, sep, pad, cls, mask, additional)
// with the class defaults (XLM-R <mask> lstrip, DeBERTa [UNK] normalized), with
// ids assigned as HF's AddedVocabulary assigns them.
#pragma once

#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "runtime/tokenizer/directory_config.h"

namespace xenc {

// The tokenizer.json document for `model_file`. `tokenizer_config` and
// `special_tokens_map` are the parsed files of the model's directory ({} when
// absent); errors name them as files in the directory of `model_file`.
nlohmann::json sentencepiece_to_tokenizer_json(const std::filesystem::path& model_file,
                                               const nlohmann::json& tokenizer_config,
                                               const nlohmann::json& special_tokens_map = nlohmann::json::object());

struct SentencePieceTokenizer {
  std::filesystem::path model_file;  // names the tokenizer in errors
  nlohmann::json document;           // a complete tokenizer.json
};

// For Tokenizer::from_dir when the directory has no tokenizer.json: the
// conversion of the .model file that the directory's tokenizer class reads
// (tokenizer_config.json tokenizer_class, else config.json model_type
// "xlm-roberta" / "deberta-v2"). nullopt when the directory has no .model file;
// an error when it has one that cannot be converted.
std::optional<SentencePieceTokenizer> read_sentencepiece_tokenizer(const DirectoryConfig& config);

}  // namespace xenc
