// xenc export --from-hf DIR --out DIR [--num-labels N] [--head H] [--separate-texts]: a Hugging Face
// checkpoint (config.json + model.safetensors + tokenizer files) as an ONNX
// cross-encoder directory (exporter/hf_export.h).
#include <iostream>
#include <map>
#include <optional>

#include "exporter/hf_export.h"
#include "tools/xenc/commands.h"

namespace xenc::cli {

namespace {

struct ExportArgs {
  std::string from_hf;
  std::string out;
  std::optional<int64_t> num_labels;
  HeadKind head = HeadKind::classifier;
  bool separate_texts = false;
};

void run_export(const ExportArgs& args) {
  HfExportOptions options;
  options.num_labels = args.num_labels;
  options.head = args.head;
  options.separate_texts = args.separate_texts;
  const HfExportResult result = export_hf_checkpoint(args.from_hf, args.out, options);
  std::cout << "exported " << class_prefix(result.family) << "ForSequenceClassification with " << result.num_labels
            << (result.num_labels == 1 ? " label" : " labels")
            << (args.head == HeadKind::pair_cosine ? " (pair-cosine head)" : "")
            << (args.separate_texts ? " (texts encoded separately)" : "") << " to " << args.out
            << "/onnx/model.onnx\n";
  for (const std::string& module : result.initialized)
    std::cout << "initialized " << module << " (not in the checkpoint)\n";
  std::cout << "copied";
  for (const std::string& file : result.copied) std::cout << " " << file;
  std::cout << (result.copied.empty() ? " no tokenizer files\n" : "\n");
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand("export", "Export a Hugging Face checkpoint as an ONNX cross-encoder directory");
  cmd->add_option("--from-hf", args->from_hf, "Checkpoint directory: config.json, model.safetensors, tokenizer files")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", args->out,
                  "New (or empty) directory to write: onnx/model.onnx, config.json, tokenizer files")
      ->required();
  cmd->add_option("--num-labels", args->num_labels,
                  "Labels of a new classification head, for a checkpoint without one (default: config.json's)")
      ->check(CLI::PositiveNumber);
  const std::map<std::string, HeadKind> heads{{"classifier", HeadKind::classifier},
                                              {"pair-cosine", HeadKind::pair_cosine}};
  cmd->add_option("--head", args->head,
                  "classifier (transformers' head on the first token, the checkpoint's when it has one) or "
                  "pair-cosine (one label: the cosine of the two texts' mean token states, for similarity; train "
                  "it with --loss mse)")
      ->transform(CLI::CheckedTransformer(heads, CLI::ignore_case));
  cmd->add_flag("--separate-texts", args->separate_texts,
                "With --head pair-cosine: encode each text of a pair as if alone (no attention across them), "
                "as the bi-encoder a sentence-embedding checkpoint was trained to be");
  cmd->callback([args] { run_export(*args); });
}

}  // namespace xenc::cli
