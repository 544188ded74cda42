// xenc eval DIR --pairs FILE: scores labelled pairs and compares with the labels.
//   one-label models (STS style, labels such as 0-5): Pearson and Spearman of
//     scores vs labels; when every label is 0 or 1, also accuracy with the
//     decision threshold of the activation (0.5, or 0 for raw logits);
//   several labels: accuracy of the highest-scoring label vs the label id.
// Prints "name value" lines, or one JSON object with --json.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "graph/error.h"
#include "runtime/metrics.h"
#include "tools/xenc/commands.h"
#include "tools/xenc/model_options.h"
#include "tools/xenc/pair_input.h"
#include "tools/xenc/progress_bar.h"

namespace xenc::cli {

namespace {

struct EvalArgs {
  ModelArgs model;
  std::string pairs;
};

struct LabelledPairs {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<double> labels;
  std::vector<size_t> lines;
};

LabelledPairs read_labelled_pairs(const std::string& path) {
  LabelledPairs data;
  for_each_text_record(path, [&](TextRecord&& r) {
    if (!r.label) throw Error(display_name(path) + ":" + std::to_string(r.line) + ": no label");
    data.labels.push_back(*r.label);
    data.lines.push_back(r.line);
    data.pairs.push_back(take_pair(std::move(r), path));
  });
  if (data.pairs.empty()) throw Error(display_name(path) + ": no labelled pairs to evaluate");
  return data;
}

// Fraction of pairs whose predicted class equals the label.
double class_accuracy(const Scores& scores, const LabelledPairs& data, const std::string& path) {
  size_t correct = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const double label = data.labels[i];
    if (label < 0 || label >= static_cast<double>(scores.num_labels) || label != std::floor(label)) {
      char text[32];
      std::snprintf(text, sizeof(text), "%g", label);
      throw Error(display_name(path) + ":" + std::to_string(data.lines[i]) + ": label " + text +
                  " is not a class id 0.." + std::to_string(scores.num_labels - 1));
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

void print_metrics(const std::vector<std::pair<std::string, double>>& metrics, size_t pairs, bool json) {
  char value[32];
  if (json) {
    std::string out = "{\"pairs\":" + std::to_string(pairs);
    for (const auto& [name, v] : metrics) {
      std::snprintf(value, sizeof(value), "%.6f", v);
      out += ",\"" + name + "\":" + (std::isfinite(v) ? value : "null");
    }
    std::cout << out << "}\n";
    return;
  }
  std::cout << "pairs " << pairs << "\n";
  for (const auto& [name, v] : metrics) {
    std::snprintf(value, sizeof(value), "%.6f", v);
    std::cout << name << " " << (std::isfinite(v) ? value : "nan") << "\n";
  }
}

void evaluate(const EvalArgs& args) {
  const CrossEncoder model(args.model.dir, args.model.cross_encoder_options());
  const LabelledPairs data = read_labelled_pairs(args.pairs);
  ProgressBar progress("pairs", data.pairs.size());
  const Scores scores = model.predict(data.pairs, [&](size_t n) { progress.advance(n); });
  progress.finish();

  std::vector<std::pair<std::string, double>> metrics;
  if (scores.num_labels == 1) {
    const std::vector<double> predicted(scores.values.begin(), scores.values.end());
    metrics.emplace_back("pearson", pearson(predicted, data.labels));
    metrics.emplace_back("spearman", spearman(predicted, data.labels));
    if (std::ranges::all_of(data.labels, [](double l) { return l == 0 || l == 1; })) {
      const float threshold = model.activation() == Activation::none ? 0.0f : 0.5f;
      metrics.emplace_back("accuracy", binary_accuracy(scores, data, threshold));
    }
  } else {
    metrics.emplace_back("accuracy", class_accuracy(scores, data, args.pairs));
  }
  print_metrics(metrics, data.pairs.size(), args.model.json);
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Score labelled pairs: Pearson/Spearman for STS-style scores, accuracy for class labels");
  add_model_options(*cmd, args->model);
  cmd->add_option("--pairs,--stsb", args->pairs,
                  "Labelled pairs: TSV text_a<TAB>text_b<TAB>label, JSONL with \"label\", or the STS benchmark CSV; "
                  "- for stdin")
      ->required();
  cmd->callback([args] { evaluate(*args); });
}

}  // namespace xenc::cli
