#include "trainer/training_data.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "graph/error.h"

namespace xenc {
namespace {

// Fisher-Yates with our own draws: std::shuffle's sequence is not specified
// across standard libraries, and a seed must give the same run everywhere.
template <class T>
void shuffle(std::vector<T>& items, std::mt19937_64& rng) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng() % i]);
}

std::string label_text(double label) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", label);
  return text;
}

}  // namespace

std::vector<TrainingExample> make_examples(const LabelledPairs& data, const LabelRule& rule, const Tokenizer& tokenizer,
                                           size_t max_length, bool add_swapped) {
  std::vector<TrainingExample> examples(data.pairs.size());
  for (size_t i = 0; i < data.pairs.size(); ++i) {
    const double label = data.labels[i];
    const std::string where = data.file + ":" + std::to_string(data.lines[i]) + ": label " + label_text(label);
    if (rule.loss == LossKind::cross_entropy) {
      if (!(label >= 0 && label < static_cast<double>(rule.num_labels)) || label != std::floor(label))
        throw Error(where + " is not a class id 0.." + std::to_string(rule.num_labels - 1));
      examples[i].target = static_cast<float>(label);
    } else {
      if (!(label >= rule.low && label <= rule.high))
        throw Error(where + " is outside the declared range " + label_text(rule.low) + ".." + label_text(rule.high) +
                    " (--label-range)");
      examples[i].target = static_cast<float>((label - rule.low) / (rule.high - rule.low));
    }
  }
  for (size_t i = 0; i < data.pairs.size(); ++i)
    examples[i].encoding = tokenizer.encode_pair(data.pairs[i].first, data.pairs[i].second, max_length);
  if (add_swapped) {
    for (size_t i = 0, n = data.pairs.size(); i < n; ++i)
      examples.push_back({tokenizer.encode_pair(data.pairs[i].second, data.pairs[i].first, max_length),
                          examples[i].target});
  }
  return examples;
}

std::vector<std::vector<size_t>> epoch_batches(const std::vector<TrainingExample>& examples, size_t batch_size,
                                               uint64_t seed, int64_t epoch) {
  constexpr size_t kBatchesPerGroup = 50;
  std::mt19937_64 rng(seed * 1000003u + static_cast<uint64_t>(epoch));
  std::vector<size_t> order(examples.size());
  std::iota(order.begin(), order.end(), size_t{0});
  shuffle(order, rng);
  std::vector<std::vector<size_t>> batches;
  const size_t group = kBatchesPerGroup * batch_size;
  for (size_t begin = 0; begin < order.size(); begin += group) {
    const auto first = order.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + group));
    std::stable_sort(first, last, [&](size_t a, size_t b) {
      return examples[a].encoding.ids.size() < examples[b].encoding.ids.size();
    });
    for (auto it = first; it < last; it += static_cast<std::ptrdiff_t>(std::min<size_t>(batch_size, last - it)))
      batches.emplace_back(it, it + static_cast<std::ptrdiff_t>(std::min<size_t>(batch_size, last - it)));
  }
  shuffle(batches, rng);
  return batches;
}

}  // namespace xenc
