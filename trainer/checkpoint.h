// Training checkpoints: after each epoch, the model directory plus what a
// resumed run needs, written as one directory that appears whole or not at
// all (so a run killed while writing leaves the previous one usable):
//   <checkpoints>/epoch-<N>/   config.json, tokenizer files, the ONNX file,
//                              trainer_state.json, optimizer_state.bin
// trainer_state.json holds the step count, the best epoch so far, each
// epoch's results, the settings a resumed run must share, and the layout
// of optimizer_state.bin (AdamW's moments, float32, per parameter).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/tensor.h"
#include "runtime/model_directory.h"
#include "trainer/trainer.h"

namespace xenc {

struct TrainerState {
  int epoch = 0;          // epochs completed
  int64_t step = 0;       // optimizer steps taken
  int best_epoch = 0;
  double best_metric = 0;
  std::vector<EpochResult> epochs;
  nlohmann::json settings;  // what must match to resume
};

struct Checkpoint {
  TrainerState state;
  std::map<std::string, Tensor> parameters;  // the trainable ones
  std::map<std::string, Tensor> first_moments, second_moments;
};

std::filesystem::path checkpoint_path(const std::filesystem::path& checkpoints, int epoch);

void write_checkpoint(const std::filesystem::path& checkpoints, const ModelDirectory& source, const Checkpoint& checkpoint);

// The highest epoch with a complete checkpoint, if any.
std::optional<int> latest_checkpoint(const std::filesystem::path& checkpoints);

// Reads epoch `epoch`'s checkpoint; `parameters` names the trainable
// initializers to read from its ONNX file. Errors name the file.
Checkpoint read_checkpoint(const std::filesystem::path& checkpoints, int epoch, const ModelDirectory& source,
                           const std::map<std::string, Tensor>& parameters);

// Removes every epoch checkpoint except those in `keep`.
void remove_checkpoints_except(const std::filesystem::path& checkpoints, const std::vector<int>& keep);

}  // namespace xenc
