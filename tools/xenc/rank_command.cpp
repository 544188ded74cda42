// xenc rank DIR --query TEXT --docs FILE|- [--top-k K]: the documents, best
// first, one per line as "index<TAB>score<TAB>text" (index: 0-based position
// in the docs file); with --json {"index": i, "score": s, "text": ...} per line.
#include <iostream>

#include "graph/error.h"
#include "tools/xenc/commands.h"
#include "tools/xenc/model_options.h"
#include "tools/xenc/output_format.h"
#include "tools/xenc/pair_input.h"
#include "tools/xenc/progress_bar.h"

namespace xenc::cli {

namespace {

struct RankArgs {
  ModelArgs model;
  std::string query;
  std::string docs;
  size_t top_k = 0;
};

std::vector<std::string> read_docs(const std::string& path) {
  std::vector<std::string> docs;
  for_each_text_record(path, [&](TextRecord&& r) {
    if (r.b)
      throw Error(display_name(path) + ":" + std::to_string(r.line) +
                  ": expected one document per line (no tab; JSONL: text_a only)");
    docs.push_back(std::move(r.a));
  });
  return docs;
}

void rank(const RankArgs& args) {
  const CrossEncoder model(args.model.dir, args.model.cross_encoder_options());
  const std::vector<std::string> docs = read_docs(args.docs);
  ProgressBar progress("docs", docs.size());
  const std::vector<RankedDocument> ranked =
      model.rank(args.query, docs, args.top_k, [&](size_t n) { progress.advance(n); });
  progress.finish();
  std::string out;
  for (const RankedDocument& d : ranked) {
    if (args.model.json)
      out += "{\"index\":" + std::to_string(d.index) + ",\"score\":" + json_number(d.score) +
             ",\"text\":" + json_string(docs[d.index]) + "}\n";
    else
      out += std::to_string(d.index) + "\t" + format_score(d.score) + "\t" + docs[d.index] + "\n";
  }
  std::cout << out << std::flush;
}

}  // namespace

void add_rank_command(CLI::App& app) {
  auto args = std::make_shared<RankArgs>();
  CLI::App* cmd = app.add_subcommand("rank", "Rank documents by their score against a query, best first");
  add_model_options(*cmd, args->model);
  cmd->add_option("--query", args->query, "The query text")->required();
  cmd->add_option("--docs", args->docs, "One document per line (or JSONL {\"text_a\": ...}); - for stdin")
      ->required();
  cmd->add_option("--top-k", args->top_k, "Print only the K best (default: all)");
  cmd->callback([args] { rank(*args); });
}

}  // namespace xenc::cli
