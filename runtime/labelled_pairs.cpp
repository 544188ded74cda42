#include "runtime/labelled_pairs.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "graph/error.h"
#include "runtime/metrics.h"
#include "runtime/pair_file.h"

namespace xenc {
namespace {

double class_accuracy(const Scores& scores, const LabelledPairs& data) {
  size_t correct = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const double label = data.labels[i];
    if (label < 0 || label >= static_cast<double>(scores.num_labels) || label != std::floor(label)) {
      char text[32];
      std::snprintf(text, sizeof(text), "%g", label);
      throw Error(data.file + ":" + std::to_string(data.lines[i]) + ": label " + text + " is not a class id 0.." +
                  std::to_string(scores.num_labels - 1));
    }
    const std::span<const float> row = scores.row(i);
    const auto best = static_cast<double>(std::max_element(row.begin(), row.end()) - row.begin());
    correct += best == label ? 1 : 0;
  }
  return static_cast<double>(correct) / static_cast<double>(scores.size());
}

double binary_accuracy(const Scores& scores, const LabelledPairs& data, float threshold) {
  size_t correct = 0;
  for (size_t i = 0; i < scores.size(); ++i) correct += (scores(i) >= threshold) == (data.labels[i] == 1) ? 1 : 0;
  return static_cast<double>(correct) / static_cast<double>(scores.size());
}

}  // namespace

LabelledPairs read_labelled_pairs(const std::string& path) {
  LabelledPairs data;
  data.file = display_name(path);
  for_each_text_record(path, [&](TextRecord&& r) {
    if (!r.label) throw Error(data.file + ":" + std::to_string(r.line) + ": no label");
    data.labels.push_back(*r.label);
    data.lines.push_back(r.line);
    data.pairs.push_back(take_pair(std::move(r), path));
  });
  if (data.pairs.empty()) throw Error(data.file + ": no labelled pairs");
  return data;
}

std::vector<std::pair<std::string, double>> pair_metrics(const Scores& scores, const LabelledPairs& data,
                                                         Activation activation) {
  std::vector<std::pair<std::string, double>> metrics;
  if (scores.num_labels == 1) {
    const std::vector<double> predicted(scores.values.begin(), scores.values.end());
    metrics.emplace_back("pearson", pearson(predicted, data.labels));
    metrics.emplace_back("spearman", spearman(predicted, data.labels));
    if (std::ranges::all_of(data.labels, [](double l) { return l == 0 || l == 1; })) {
      const float threshold = activation == Activation::none ? 0.0f : 0.5f;
      metrics.emplace_back("accuracy", binary_accuracy(scores, data, threshold));
    }
  } else {
    metrics.emplace_back("accuracy", class_accuracy(scores, data));
  }
  return metrics;
}

}  // namespace xenc
