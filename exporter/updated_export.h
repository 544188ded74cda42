// A model directory written again with new values for some initializers:
// what the trainer saves after training (and at each checkpoint). The ONNX
// file keeps every other field as it was (initializer_update.h); config.json
// and the tokenizer files are copied; the directory appears whole or not at
// all (export_directory.h).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "graph/tensor.h"
#include "runtime/model_directory.h"

namespace xenc {

// `extra` may write more files into the directory before it appears (the
// trainer's resume state), so they appear with it or not at all.
void export_updated_model(const ModelDirectory& source, const std::map<std::string, Tensor>& updates,
                          const std::filesystem::path& out,
                          const std::function<void(const std::filesystem::path& staging)>& extra = {});

}  // namespace xenc
