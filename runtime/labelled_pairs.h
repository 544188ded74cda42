// Labelled pairs (STS scores or class ids) and the metrics that compare a
// model's scores with them: what `xenc eval` prints and what the trainer
// selects checkpoints by.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "runtime/cross_encoder.h"

namespace xenc {

struct LabelledPairs {
  std::string file;  // as errors name it
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<double> labels;
  std::vector<size_t> lines;
};

// Every record must be a pair with a label; an empty file is an error too.
// Errors name the file and line.
LabelledPairs read_labelled_pairs(const std::string& path);

// One-label models: Pearson and Spearman of scores vs labels, plus accuracy
// at the activation's threshold (0.5, or 0 for raw logits) when every label
// is 0 or 1. Several labels: accuracy of the best label vs the label id (a
// label that is no class id is an error naming its line).
std::vector<std::pair<std::string, double>> pair_metrics(const Scores& scores, const LabelledPairs& data,
                                                         Activation activation);

}  // namespace xenc
