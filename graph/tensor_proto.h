// Conversion between onnx::TensorProto and Tensor, including external data
// confined to the model's directory.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <onnx/onnx_pb.h>

#include "graph/mapped_file.h"
#include "graph/tensor.h"

namespace xenc {

class TensorReader {
 public:
  // `model_dir`: where external data may live (empty: external data refused).
  // `proto_owner`: keeps the protos alive so raw_data can be viewed, not copied.
  TensorReader(std::filesystem::path model_dir, std::shared_ptr<const void> proto_owner);

  // Throws Error naming the tensor (`what`) on bad dtype, size or location.
  Tensor read(const onnx::TensorProto& proto, const std::string& what);

 private:
  Tensor read_external(const onnx::TensorProto& proto, DType dtype, const Shape& shape, const std::string& what);

  std::filesystem::path model_dir_;
  std::shared_ptr<const void> proto_owner_;
  std::map<std::filesystem::path, std::shared_ptr<MappedFile>> mapped_;
};

// The file that an external-data `location` names, or Error when it is
// absolute, climbs with "..", is a marker such as ONNX Runtime's in-memory
// address, or resolves (through symlinks) outside `model_dir`.
std::filesystem::path resolve_external_location(const std::filesystem::path& model_dir, const std::string& location);

void tensor_to_proto(const Tensor& tensor, const std::string& name, onnx::TensorProto* proto);

// A serialized TensorProto file, as in the ONNX test-data layout.
Tensor read_tensor_file(const std::filesystem::path& path, std::string* name = nullptr);
// Written atomically: a temporary file in the same directory, then rename.
void write_tensor_file(const std::filesystem::path& path, const Tensor& tensor, const std::string& name);

}  // namespace xenc
