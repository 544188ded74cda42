// The sequence-classification heads of transformers 4.36, on the first
// token's hidden state, as torch.onnx exports them (Gather index 0 on axis
// 1, then Gemm with transB = 1 for each Linear):
//   BERT           pooler.dense, Tanh, classifier
//   RoBERTa, XLM-R classifier.dense, Tanh, classifier.out_proj
//   ELECTRA        classifier.dense, exact GELU, classifier.out_proj
// A checkpoint without a head (a base model such as BertModel) gets one
// initialized as transformers initializes it (normal_init.h), and so does a
// BERT checkpoint without a pooler; a module present in part, or a
// classifier whose label count disagrees with config.json or the caller,
// is an error naming the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/checkpoint_weights.h"
#include "models/encoder_config.h"
#include "models/graph_builder.h"

namespace xenc {

// classifier: transformers' head above; pair_cosine: models/pair_cosine_head.h
// (which leaves a checkpoint's classification head out).
enum class HeadKind { classifier, pair_cosine };

struct HeadOptions {
  // Labels of a new head; must match an existing one. Default: config.json's count.
  std::optional<int64_t> num_labels;
  uint32_t seed = 42;  // for the weights of modules the checkpoint lacks
  HeadKind kind = HeadKind::classifier;
};

struct Head {
  std::string logits;  // [batch_size, num_labels]
  int64_t num_labels = 0;
  // The modules that were initialized rather than read ("classifier", "bert.pooler.dense").
  std::vector<std::string> initialized;
};

// `output`: the name of the logits value.
Head build_classification_head(GraphBuilder& builder, const EncoderConfig& config, const CheckpointWeights& weights,
                               const std::string& hidden, const HeadOptions& options, const std::string& output);

}  // namespace xenc
