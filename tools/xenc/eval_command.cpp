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
#include "runtime/labelled_pairs.h"
#include "tools/xenc/commands.h"
#include "tools/xenc/model_options.h"
#include "tools/xenc/progress_bar.h"

namespace xenc::cli {

namespace {

struct EvalArgs {
  ModelArgs model;
  std::string pairs;
};

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
  print_metrics(pair_metrics(scores, data, model.activation()), data.pairs.size(), args.model.json);
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
