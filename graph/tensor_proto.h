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
  explicit TensorReader(std::filesystem::path model_dir);

  // Throws Error naming the tensor (`what`) on bad dtype, size or location.
  // raw_data moves into the tensor, not copied (the proto keeps an empty
  // string): each tensor owns its bytes, so dropping one frees them.
  Tensor read(onnx::TensorProto& proto, const std::string& what);

 private:
  Tensor read_external(const onnx::TensorProto& proto, DType dtype, const Shape& shape, const std::string& what);

  std::filesystem::path model_dir_;
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
