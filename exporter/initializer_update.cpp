#include "exporter/initializer_update.h"

#include <climits>

#include <onnx/onnx_pb.h>

#include "graph/atomic_file.h"
#include "graph/error.h"
#include "graph/mapped_file.h"

namespace xenc {

namespace {

onnx::ModelProto parse_model(const std::filesystem::path& file) {
  const std::shared_ptr<MappedFile> mapped = MappedFile::open(file);
  onnx::ModelProto model;
  if (mapped->size() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray(mapped->data(), static_cast<int>(mapped->size())))
    throw Error(file.string() + ": not a valid ONNX model");
  return model;
}

void replace_data(onnx::TensorProto& proto, const Tensor& tensor, const std::string& where) {
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    throw Error(where + " is stored in external data, which updates do not rewrite");
  if (proto.data_type() != static_cast<int32_t>(tensor.dtype()))
    throw Error(where + " is " + dtype_name(static_cast<DType>(proto.data_type())) + ", the update " +
                dtype_name(tensor.dtype()));
  const Shape stored(proto.dims().begin(), proto.dims().end());
  if (stored != tensor.shape())
    throw Error(where + " has shape " + shape_str(stored) + ", the update " + shape_str(tensor.shape()));
  proto.clear_float_data();
  proto.clear_int32_data();
  proto.clear_int64_data();
  proto.clear_double_data();
  proto.clear_uint64_data();
  proto.set_raw_data(tensor.raw(), tensor.nbytes());
}

}  // namespace

void update_initializers(const std::filesystem::path& model_file, const std::map<std::string, Tensor>& updates,
                         const std::filesystem::path& out_file) {
  onnx::ModelProto model = parse_model(model_file);
  std::map<std::string, onnx::TensorProto*> initializers;
  for (onnx::TensorProto& t : *model.mutable_graph()->mutable_initializer()) initializers[t.name()] = &t;
  for (const auto& [name, tensor] : updates) {
    const std::string where = model_file.string() + ": initializer '" + name + "'";
    const auto it = initializers.find(name);
    if (it == initializers.end()) throw Error(model_file.string() + ": no initializer '" + name + "' to update");
    replace_data(*it->second, tensor, where);
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw Error(out_file.string() + ": cannot serialize the updated model");
  write_file_atomically(out_file, bytes);
}

}  // namespace xenc
