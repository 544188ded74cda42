// xenc train DIR --train FILE [--dev FILE] --out DIR: fine-tunes a
// cross-encoder on labelled pairs (trainer/trainer.h) and writes the model
// with the best dev metric. Prints one line per epoch.
#include <cstdio>
#include <iostream>

#include "tools/xenc/commands.h"
#include "tools/xenc/progress_bar.h"
#include "trainer/trainer.h"

namespace xenc::cli {

namespace {

struct TrainArgs {
  TrainOptions options;
  std::string model_dir, out, checkpoints, log, loss = "bce", label_range = "0:1";
};

// "LOW:HIGH" as two numbers.
std::pair<double, double> parse_range(const std::string& text) {
  const size_t colon = text.find(':');
  try {
    if (colon != std::string::npos) {
      size_t used_low = 0, used_high = 0;
      const double low = std::stod(text.substr(0, colon), &used_low);
      const double high = std::stod(text.substr(colon + 1), &used_high);
      if (used_low == colon && used_high == text.size() - colon - 1) return {low, high};
    }
  } catch (const std::exception&) {
  }
  throw Error("--label-range '" + text + "': expected LOW:HIGH, e.g. 0:5");
}

void run_train(TrainArgs& args) {
  TrainOptions& o = args.options;
  o.model_dir = args.model_dir;
  o.out_dir = args.out;
  o.checkpoint_dir = args.checkpoints;
  o.log_file = args.log;
  o.loss = parse_loss(args.loss);
  std::tie(o.label_low, o.label_high) = parse_range(args.label_range);
  std::unique_ptr<ProgressBar> progress;
  double recent_loss = 0;
  TrainObserver observer;
  observer.on_start = [&](size_t steps_left) { progress = std::make_unique<ProgressBar>("steps", steps_left); };
  observer.on_step = [&](size_t, double loss, double) {
    recent_loss = recent_loss == 0 ? loss : 0.98 * recent_loss + 0.02 * loss;
    char note[32];
    std::snprintf(note, sizeof(note), "loss %.4f", recent_loss);
    progress->set_note(note);
    progress->advance(1);
  };
  observer.on_epoch = [&](const EpochResult& e) {
    progress->pause();
    std::printf("epoch %d  train_loss %.5f", e.epoch, e.train_loss);
    for (const auto& [name, value] : e.dev_metrics) std::printf("  dev_%s %.6f", name.c_str(), value);
    std::printf("  %.1f s\n", e.seconds);
    std::fflush(stdout);
  };
  const TrainResult result = train(o, observer);
  if (progress) progress->finish();
  std::printf("trained %zu parameters; wrote epoch %d to %s\n", result.trainable_parameters, result.best_epoch,
              args.out.c_str());
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  TrainOptions& o = args->options;
  CLI::App* cmd = app.add_subcommand("train", "Fine-tune a cross-encoder on labelled pairs and write the updated model");
  cmd->add_option("MODEL", args->model_dir, "Model directory to start from (never modified)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--train", o.train_file,
                  "Labelled pairs: TSV text_a<TAB>text_b<TAB>label, JSONL with \"label\", or the STS benchmark CSV")
      ->required();
  cmd->add_option("--dev", o.dev_file, "Labelled pairs scored after each epoch; the best epoch is kept");
  cmd->add_option("--out", args->out, "New (or empty) directory for the trained model")->required();
  cmd->add_option("--checkpoints", args->checkpoints, "Directory of per-epoch checkpoints (default: OUT.checkpoints)");
  cmd->add_option("--epochs", o.epochs, "Passes over the training pairs")->capture_default_str();
  cmd->add_option("--batch-size", o.batch_size, "Pairs per optimizer step")->capture_default_str();
  cmd->add_option("--lr", o.adamw.learning_rate, "Peak learning rate (AdamW)")->capture_default_str();
  cmd->add_option("--weight-decay", o.adamw.weight_decay, "AdamW weight decay (not on biases and norms)")
      ->capture_default_str();
  cmd->add_option("--warmup-ratio", o.warmup_ratio, "Fraction of the steps with a rising learning rate")
      ->capture_default_str();
  cmd->add_option("--max-grad-norm", o.max_grad_norm, "Gradients are scaled down to this total norm")
      ->capture_default_str();
  cmd->add_option("--freeze", o.freeze, "What stays fixed: none, head (train only the head) or last:N")
      ->capture_default_str();
  cmd->add_option("--loss", args->loss,
                  "bce (labels in --label-range), mse, cross-entropy (class ids) or cosent (a ranking loss: "
                  "scores ordered as the labels are)")
      ->capture_default_str();
  cmd->add_option("--label-range", args->label_range,
                  "LOW:HIGH of the labels for bce, mse and cosent, mapped to 0..1 (STS benchmark: 0:5)")
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed of shuffling and dropout")->capture_default_str();
  cmd->add_flag("!--no-dropout", o.dropout, "Train without dropout");
  cmd->add_flag("--add-swapped", o.add_swapped_pairs,
                "Also train on each pair with its texts swapped (symmetric tasks such as STS)");
  cmd->add_option("--threads", o.threads, "Threads (default: the CPUs this process may use)");
  cmd->add_option("--max-length", o.max_length, "Tokens per pair (default: the tokenizer's limit)");
  cmd->add_option("--log", args->log, "JSON lines: each step's loss and each epoch's metrics");
  cmd->add_flag("--resume", o.resume, "Continue from the latest checkpoint of an interrupted run with the same settings");
  cmd->callback([args] { run_train(*args); });
}

}  // namespace xenc::cli
