// xenc tokenize DIR --pairs FILE|- [--max-length N]: the model inputs of each
// pair (or single text), one JSON object per line:
//   {"input_ids":[...],"token_type_ids":[...],"attention_mask":[...]}
#include <iostream>
#include <optional>

#include "runtime/pair_file.h"
#include "runtime/tokenizer/tokenizer.h"
#include "tools/xenc/commands.h"

namespace xenc::cli {

namespace {

struct TokenizeArgs {
  std::string dir;
  std::string pairs;
  std::optional<size_t> max_length;
};

void append_ids(std::string& out, const char* key, const std::vector<int32_t>& ids) {
  out += '"';
  out += key;
  out += "\":[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  out += ']';
}

void tokenize(const TokenizeArgs& args) {
  const Tokenizer tokenizer = Tokenizer::from_dir(args.dir);
  const size_t max_length = args.max_length.value_or(tokenizer.max_length());
  std::string line;
  for_each_text_record(args.pairs, [&](TextRecord&& r) {
    const Encoding e = r.b ? tokenizer.encode_pair(r.a, *r.b, max_length) : tokenizer.encode(r.a, max_length);
    line = "{";
    append_ids(line, "input_ids", e.ids);
    line += ',';
    append_ids(line, "token_type_ids", e.type_ids);
    line += ',';
    append_ids(line, "attention_mask", std::vector<int32_t>(e.ids.size(), 1));
    line += "}\n";
    std::cout << line;
  });
  std::cout.flush();
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto args = std::make_shared<TokenizeArgs>();
  CLI::App* cmd = app.add_subcommand("tokenize", "Print the model inputs of text pairs, one JSON object per line");
  cmd->add_option("DIR", args->dir, "Model directory (tokenizer.json, or vocab.txt, vocab.json + merges.txt, .model)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--pairs", args->pairs,
                  "TSV text_a<TAB>text_b[<TAB>label] (one column: a single text) or JSONL {\"text_a\", \"text_b\"}; "
                  "- for stdin")
      ->required();
  cmd->add_option("--max-length", args->max_length,
                  "Truncate each pair to N tokens, special tokens included (0: no truncation; default: the model's "
                  "max length)");
  cmd->callback([args] { tokenize(*args); });
}

}  // namespace xenc::cli
