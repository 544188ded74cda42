#include "models/sequence_classifier.h"

#include "models/checkpoint_weights.h"
#include "models/encoder.h"
#include "models/graph_builder.h"
#include "models/pair_cosine_head.h"

namespace xenc {

SequenceClassifier build_sequence_classifier(const EncoderConfig& config, const WeightSource& weights,
                                             const HeadOptions& head_options,
                                             const EncoderOptions& encoder_options) {
  const CheckpointWeights checkpoint(weights, base_model_prefix(config.family));
  GraphBuilder builder(kSequenceClassifierOpset);
  const std::string hidden = build_encoder(builder, config, checkpoint, encoder_options);
  Head head = head_options.kind == HeadKind::pair_cosine
                  ? build_pair_cosine_head(builder, config, weights.origin(), hidden, head_options, "logits")
                  : build_classification_head(builder, config, checkpoint, hidden, head_options, "logits");
  const SymShape logits_shape = {Dim::named("batch_size"), Dim::known(head.num_labels)};
  builder.add_output(head.logits, ValueType{DType::kFloat, logits_shape});
  SequenceClassifier out{std::move(builder).finish(), head.num_labels, std::move(head.initialized)};
  out.graph.name = class_prefix(config.family) + "ForSequenceClassification";
  return out;
}

}  // namespace xenc
