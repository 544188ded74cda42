// The arguments every subcommand that runs a cross-encoder shares: the model
// directory and how to run it (--onnx-file, --threads, --batch-size,
// --max-length, --precision, --activation), plus --json.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "runtime/cross_encoder.h"

namespace xenc::cli {

struct ModelArgs {
  std::string dir;
  CrossEncoderOptions options;  // threads, batch size, max length, ONNX file
  std::string precision = "fp32";
  std::string activation = "auto";
  bool json = false;

  // `options` with the parsed precision and activation.
  CrossEncoderOptions cross_encoder_options() const;
};

void add_model_options(CLI::App& cmd, ModelArgs& args);

}  // namespace xenc::cli
