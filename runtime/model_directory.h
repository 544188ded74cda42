// What a Hugging Face-style cross-encoder directory holds besides the
// tokenizer: which ONNX file to run, the label names and the activation
// sentence-transformers would apply (config.json).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runtime/cross_encoder.h"

namespace xenc {

struct ModelDirectory {
  std::filesystem::path dir;
  std::filesystem::path onnx_file;
  // config.json id2label, in id order; empty when it has none.
  std::vector<std::string> labels;
  // config.json's sentence-transformers activation (sentence_transformers.activation_fn,
  // or the older sbert_ce_default_activation_function), when it names one.
  std::optional<Activation> activation;

  // `onnx_file` relative to `dir`, or empty to pick one: the only
  // onnx/model*.onnx or model.onnx, else onnx/model.onnx when present.
  // Errors name the directory or file: missing, several candidates, a path
  // leaving the directory, a malformed config.json.
  static ModelDirectory open(const std::filesystem::path& dir, const std::string& onnx_file);
};

}  // namespace xenc
