// Training examples: labelled pairs read, checked and tokenized before any
// training starts, and the batches of one epoch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/labelled_pairs.h"
#include "runtime/tokenizer/tokenizer.h"
#include "trainer/losses.h"

namespace xenc {

// What a file's labels must be and how they become loss targets.
struct LabelRule {
  LossKind loss = LossKind::bce;
  // bce and mse: labels must lie in [low, high] and are mapped linearly to
  // [0, 1] (STS scores 0-5 become score / 5, as sentence-transformers does).
  double low = 0, high = 1;
  size_t num_labels = 1;  // cross_entropy: labels are class ids below this
};

struct TrainingExample {
  Encoding encoding;
  float target = 0;
};

// Every error (a row without a label, a label outside the rule, an empty
// file, a record with one text) names the file and line. With
// `add_swapped`, each pair is also an example with its texts swapped (for
// symmetric tasks such as STS; the examples double).
std::vector<TrainingExample> make_examples(const LabelledPairs& data, const LabelRule& rule, const Tokenizer& tokenizer,
                                           size_t max_length, bool add_swapped = false);

// One epoch's batches of example indices: the examples shuffled by `seed`
// and `epoch`, cut into groups of 50 batches, each group sorted by length
// (so a batch pads little) and cut into batches of `batch_size`, and the
// batches shuffled again. The same arguments give the same batches.
std::vector<std::vector<size_t>> epoch_batches(const std::vector<TrainingExample>& examples, size_t batch_size,
                                               uint64_t seed, int64_t epoch);

}  // namespace xenc
