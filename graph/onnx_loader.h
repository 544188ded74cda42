// Reads an ONNX ModelProto file into the IR. Validates what the IR relies
// on (dtypes, tensor sizes, opset imports, unique value names) and names the
// file and the offending tensor or node in every error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "graph/ir.h"

namespace onnx {
class ModelProto;
}

namespace xenc {

struct Model {
  Graph graph;
  int64_t ir_version = 0;
  std::string producer;
  std::filesystem::path path;  // the file it came from
};

Model load_onnx(const std::filesystem::path& file);

// `model_dir` confines external data. Tensor bytes move out of `proto`
// into the graph (TensorReader::read).
Graph graph_from_proto(onnx::ModelProto& proto, const std::filesystem::path& model_dir);

}  // namespace xenc
