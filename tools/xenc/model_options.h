// The arguments every subcommand that runs a cross-encoder shares: the model
// directory and how to run it (--onnx-file, --threads, --batch-size,
// --max-length, --precision, --activation, the memory caps), plus --json.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "runtime/cross_encoder.h"
#include "runtime/memory_caps.h"

namespace xenc::cli {

// --max-tensor-mb and --max-arena-mb (0: the memory this process may use).
struct MemoryCapArgs {
  uint64_t tensor_mb = 0;
  uint64_t arena_mb = 0;
  MemoryCaps caps() const { return {tensor_mb << 20, arena_mb << 20}; }
};

void add_memory_cap_options(CLI::App& cmd, MemoryCapArgs& args);

struct ModelArgs {
  std::string dir;
  CrossEncoderOptions options;  // threads, batch size, max length, ONNX file
  std::string precision = "fp32";
  std::string activation = "auto";
  bool json = false;
  MemoryCapArgs memory;

  // `options` with the parsed precision and activation.
  CrossEncoderOptions cross_encoder_options() const;
};

void add_model_options(CLI::App& cmd, ModelArgs& args);

}  // namespace xenc::cli
