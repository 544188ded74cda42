// Exports a Hugging Face checkpoint directory (config.json +
// model.safetensors + tokenizer files) of a BERT, RoBERTa, XLM-R or ELECTRA
// model as an HF-style ONNX cross-encoder directory:
//   onnx/model.onnx      the sequence classifier (models/sequence_classifier.h)
//   config.json          the input config with num_labels, id2label, label2id
//                        and "architectures": ["<Family>ForSequenceClassification"];
//                        with the pair-cosine head also the activation
//                        "sentence_transformers": {"activation_fn": Identity},
//                        as its raw score is the one it was trained to give
//   tokenizer files      copied when present: tokenizer.json,
//                        tokenizer_config.json, special_tokens_map.json,
//                        added_tokens.json, vocab.txt, vocab.json,
//                        merges.txt and *.model
//   with separate_texts (the pair-cosine head only), the encoder reads each
//   text of a pair as if alone (models/encoder.h) and tokenizer.json, which
//   must exist, gets the pair template exporter/separate_texts_tokenizer.h
//   writes
// The directory is built in a temporary directory next to `out` and renamed
// into place, so `out` either appears complete or not at all; an existing
// `out` must be an empty directory. Every failure is an Error naming the
// file at fault and leaves nothing behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "exporter/onnx_writer.h"
#include "models/classification_heads.h"
#include "models/encoder_config.h"

namespace xenc {

struct HfExportOptions {
  // Labels for a checkpoint without a classification head (which must
  // match the head when there is one); default: config.json's.
  std::optional<int64_t> num_labels;
  HeadKind head = HeadKind::classifier;
  bool separate_texts = false;
  OnnxWriteOptions onnx;
};

struct HfExportResult {
  EncoderFamily family = EncoderFamily::kBert;
  int64_t num_labels = 0;
  std::vector<std::string> initialized;  // head modules initialized, not read
  std::vector<std::string> copied;       // tokenizer files copied
};

HfExportResult export_hf_checkpoint(const std::filesystem::path& from, const std::filesystem::path& out,
                                    const HfExportOptions& options = {});

}  // namespace xenc
