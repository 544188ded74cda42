// xenc score DIR --pairs FILE|-: one line per pair, in input order. One label:
// the score; several: the scores in label order, tab-separated. With --json:
// {"score": s} or {"label": best, "scores": {label: s, ...}} per line.
#include <algorithm>
#include <iostream>

#include "tools/xenc/commands.h"
#include "tools/xenc/model_options.h"
#include "tools/xenc/output_format.h"
#include "tools/xenc/pair_input.h"
#include "tools/xenc/progress_bar.h"

namespace xenc::cli {

namespace {

// Pairs scored per predict() call: large enough for length grouping to pay,
// small enough that output streams and memory stays flat on huge inputs.
constexpr size_t kChunkPairs = 4096;

struct ScoreArgs {
  ModelArgs model;
  std::string pairs;
};

void print_scores(const CrossEncoder& model, const Scores& scores, bool json) {
  std::string out;
  for (size_t i = 0; i < scores.size(); ++i) {
    const std::span<const float> row = scores.row(i);
    if (json && scores.num_labels == 1) {
      out += "{\"score\":" + json_number(row[0]) + "}\n";
    } else if (json) {
      const size_t best = static_cast<size_t>(std::max_element(row.begin(), row.end()) - row.begin());
      out += "{\"label\":" + json_string(model.labels()[best]) + ",\"scores\":{";
      for (size_t j = 0; j < row.size(); ++j)
        out += (j ? "," : "") + json_string(model.labels()[j]) + ":" + json_number(row[j]);
      out += "}}\n";
    } else {
      for (size_t j = 0; j < row.size(); ++j) out += (j ? "\t" : "") + format_score(row[j]);
      out += '\n';
    }
  }
  std::cout << out;
}

void score(const ScoreArgs& args) {
  const CrossEncoder model(args.model.dir, args.model.cross_encoder_options());
  ProgressBar progress("pairs", count_records(args.pairs));
  std::vector<std::pair<std::string, std::string>> chunk;
  const auto flush = [&] {
    print_scores(model, model.predict(chunk, [&](size_t n) { progress.advance(n); }), args.model.json);
    chunk.clear();
  };
  for_each_text_record(args.pairs, [&](TextRecord&& r) {
    chunk.push_back(take_pair(std::move(r), args.pairs));
    if (chunk.size() == kChunkPairs) flush();
  });
  if (!chunk.empty()) flush();
  progress.finish();
  std::cout.flush();
}

}  // namespace

void add_score_command(CLI::App& app) {
  auto args = std::make_shared<ScoreArgs>();
  CLI::App* cmd = app.add_subcommand("score", "Score text pairs with a cross-encoder, one line per pair");
  add_model_options(*cmd, args->model);
  cmd->add_option("--pairs", args->pairs,
                  "TSV text_a<TAB>text_b[<TAB>label], JSONL {\"text_a\", \"text_b\"}, or the STS benchmark CSV; - "
                  "for stdin")
      ->required();
  cmd->callback([args] { score(*args); });
}

}  // namespace xenc::cli
