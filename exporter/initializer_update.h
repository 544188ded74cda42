// Rewrites an ONNX model with new data for some of its initializers (what
// the trainer does with its updated weights). The file is parsed, the named
// initializers' TensorProtos get the new bytes as raw_data (their typed
// *_data fields cleared), and the message is serialized again: every other
// field stays exactly as it was. A name that is not an initializer, a
// tensor whose dtype or shape differs from the stored one, and an
// initializer kept in external data are errors naming the file and the
// tensor. `out_file` (which may be `model_file`) is written atomically.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "graph/tensor.h"

namespace xenc {

void update_initializers(const std::filesystem::path& model_file, const std::map<std::string, Tensor>& updates,
                         const std::filesystem::path& out_file);

}  // namespace xenc
