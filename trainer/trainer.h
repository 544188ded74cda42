// The training loop: fine-tunes a cross-encoder directory on labelled pairs
// and writes the updated model directory through the exporter.
//
// Per epoch: batches by length (training_data.h), forward with dropout,
// loss, backward, gradient clipping, AdamW under the linear warmup/decay
// schedule; then the model is saved as a checkpoint and scored on the dev
// file. The output is the checkpoint with the best dev metric (Spearman for
// one label, accuracy for several), or the last one without a dev file.
// Checkpoints (trainer/checkpoint.h) are kept until the output is written.
// The input directory is never written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "trainer/adamw.h"
#include "trainer/losses.h"

namespace xenc {

struct TrainOptions {
  std::filesystem::path model_dir;
  std::string onnx_file;  // relative to model_dir; empty: ModelDirectory's choice
  std::string train_file;
  std::string dev_file;  // empty: no evaluation, the last epoch is kept
  std::filesystem::path out_dir;
  // Checkpoints of each epoch; empty: "<out_dir>.checkpoints".
  std::filesystem::path checkpoint_dir;

  int epochs = 4;
  size_t batch_size = 16;
  AdamWOptions adamw;
  double warmup_ratio = 0.1;
  double max_grad_norm = 1.0;
  uint64_t seed = 42;
  std::string freeze = "none";  // none | head | last:N
  LossKind loss = LossKind::bce;
  double label_low = 0, label_high = 1;  // bce and mse: the labels' declared range
  bool dropout = true;
  bool add_swapped_pairs = false;  // also train on each pair with its texts swapped
  size_t threads = 0;     // 0: the CPUs this process may use
  size_t max_length = 0;  // 0: the tokenizer's
  std::filesystem::path log_file;  // empty: none. JSON lines: one per step and per epoch
  // Continue from the latest checkpoint (trainer/checkpoint.h) of a run
  // with the same settings; the result is the same as an uninterrupted run.
  bool resume = false;
};

struct EpochResult {
  int epoch = 0;  // 1-based
  double train_loss = 0;  // mean over the epoch's steps
  std::vector<std::pair<std::string, double>> dev_metrics;
  double seconds = 0;
};

struct TrainResult {
  std::vector<EpochResult> epochs;
  int best_epoch = 0;
  size_t trainable_parameters = 0;  // elements
};

struct TrainObserver {
  std::function<void(size_t steps_total)> on_start;
  std::function<void(size_t step, double loss, double learning_rate)> on_step;  // step is 1-based
  std::function<void(const EpochResult&)> on_epoch;
};

TrainResult train(const TrainOptions& options, const TrainObserver& observer = {});

}  // namespace xenc
