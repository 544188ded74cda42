// A BERT-family sequence classifier as one IR graph: the encoder
// (models/encoder.h) and its family's head (models/classification_heads.h)
// with weights from a checkpoint. Opset 17 (LayerNormalization); inputs
// input_ids, attention_mask (+ token_type_ids for BERT and ELECTRA), int64
// [batch_size, sequence_length]; output logits, float [batch_size, num_labels].
#pragma once

#include <string>
#include <vector>

#include "graph/ir.h"
#include "models/classification_heads.h"
#include "models/encoder.h"
#include "models/encoder_config.h"
#include "models/weight_source.h"

namespace xenc {

inline constexpr int kSequenceClassifierOpset = 17;

struct SequenceClassifier {
  Graph graph;
  int64_t num_labels = 0;
  std::vector<std::string> initialized;  // head modules not in the checkpoint
};

SequenceClassifier build_sequence_classifier(const EncoderConfig& config, const WeightSource& weights,
                                             const HeadOptions& head_options = {},
                                             const EncoderOptions& encoder_options = {});

}  // namespace xenc
