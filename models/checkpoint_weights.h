// The weights of a sequence classifier in a checkpoint, under the names the
// transformers task model (BertForSequenceClassification, ...) gives them.
// The encoder's weights are found with or without the base-model prefix, as
// from_pretrained finds them: a BertModel checkpoint stores
// "embeddings.word_embeddings.weight", a task model
// "bert.embeddings.word_embeddings.weight". Every read checks the shape
// the config implies; errors name the file and the tensor.
#pragma once

#include <string>

#include "graph/tensor.h"
#include "models/weight_source.h"

namespace xenc {

class CheckpointWeights {
 public:
  // `prefix`: the base-model prefix without its dot ("bert", "roberta", "electra").
  CheckpointWeights(const WeightSource& source, std::string prefix) : source_(source), prefix_(std::move(prefix)) {}

  // The task-model name of an encoder weight: "bert." + `name`.
  std::string encoder_name(const std::string& name) const { return prefix_ + "." + name; }
  // Whether the checkpoint has an encoder weight, prefixed or not.
  bool has_encoder(const std::string& name) const;
  // An encoder weight (`name` without the prefix).
  Tensor encoder(const std::string& name, const Shape& shape) const;

  bool has(const std::string& name) const { return source_.contains(name); }
  // The stored shape of a weight outside the encoder (a classifier's label count).
  Shape shape(const std::string& name) const;
  // A weight outside the encoder (the classifier), by its full name.
  Tensor read(const std::string& name, const Shape& shape) const;

  std::string origin() const { return source_.origin(); }

 private:
  const WeightSource& source_;
  std::string prefix_;
};

}  // namespace xenc
