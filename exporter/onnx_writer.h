// Writes an IR Graph as an ONNX model file: opset 17 unless the graph
// imports another, IR version 8, producer "xenc", initializers as raw_data.
// Nothing is written unless the model passes onnx::checker::check_model and
// strict shape inference (onnx's full check); the file is then written
// atomically (graph/atomic_file.h), so a failure leaves no partial file.
//
// Protobuf cannot serialize a message of 2 GiB, so when the initializers
// together exceed `external_data_threshold` bytes, every initializer of at
// least 1 KiB moves to one external-data file next to the model, named
// after it ("model.onnx" -> "model.onnx_data"), at 64-byte aligned offsets.
// That file is written first, and removed again if the model cannot be.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "graph/ir.h"

namespace onnx {
class ModelProto;
}

namespace xenc {

struct OnnxWriteOptions {
  int default_opset = 17;  // the default domain's version when the graph imports none
  int64_t ir_version = 8;
  std::string producer = "xenc";
  uint64_t external_data_threshold = 2'000'000'000;  // bytes; below protobuf's 2 GiB limit
};

// The model with every initializer inline. An attribute xenc cannot
// represent, or an output without a type, is an Error.
onnx::ModelProto to_model_proto(const Graph& graph, const OnnxWriteOptions& options = {});

// onnx::checker::check_model, then shape inference in strict mode with type
// checks (run on `model` itself, which keeps no inferred value_info
// afterwards); an Error naming `file` on failure.
void check_model_proto(onnx::ModelProto& model, const std::filesystem::path& file);

void write_onnx(const Graph& graph, const std::filesystem::path& file, const OnnxWriteOptions& options = {});

}  // namespace xenc
