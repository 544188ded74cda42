// A one-label similarity head for text pairs (`xenc export --head
// pair-cosine`): the cosine of the two texts' mean last hidden states,
// times a scale plus a shift.
//
//   first text   the tokens of type 0 ([CLS] text_a [SEP])
//   second text  the tokens of type 1 (text_b [SEP])
//   padding      (attention_mask 0) in neither
// (a sequence with no second text scores cosine 0).
//
// The encoder reads the pair as one sequence (every token attends to both
// texts) unless it encodes the texts separately (models/encoder.h); only
// the pooling differs from the classifier heads. A sentence-embedding
// checkpoint trained for mean pooling (all-MiniLM-L6-v2) starts from states
// it knows how to compare instead of a first token it never trained. The scale ("pair_cosine.scale", 1) and shift
// ("pair_cosine.shift", 0), both [1], are trained with the rest; with 1 and
// 0 the score is the cosine itself, which `--loss mse` fits to labels mapped
// to 0..1 (sentence-transformers' CosineSimilarityLoss). Needs
// token_type_ids: BERT and ELECTRA, not RoBERTa or XLM-R.
#pragma once

#include <string>

#include "models/classification_heads.h"
#include "models/encoder_config.h"
#include "models/graph_builder.h"

namespace xenc {

inline constexpr char kPairCosineModule[] = "pair_cosine";

// `hidden`: [batch, sequence, hidden]; the logits ([batch, 1]) are named `output`.
// Throws an Error naming `origin` for a family without token types, and one
// when `options` asks for a label count other than 1.
Head build_pair_cosine_head(GraphBuilder& builder, const EncoderConfig& config, const std::string& origin,
                            const std::string& hidden, const HeadOptions& options, const std::string& output);

}  // namespace xenc
