#include "graph/tensor_proto.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <optional>

#include "graph/atomic_file.h"

namespace xenc {

namespace {

Shape proto_shape(const onnx::TensorProto& p, const std::string& what) {
  Shape s;
  for (int64_t d : p.dims()) {
    if (d < 0) throw Error(what + ": negative dimension " + std::to_string(d));
    s.push_back(d);
  }
  try {
    shape_numel(s);  // rejects 64-bit overflow
  } catch (const Error& e) {
    throw Error(what + ": " + e.what());
  }
  return s;
}

// The number of values in the typed repeated field that holds `dtype` in ONNX's scheme.
int64_t typed_field_size(const onnx::TensorProto& p, DType dtype) {
  switch (dtype) {
    case DType::kFloat: return p.float_data_size();
    case DType::kDouble: return p.double_data_size();
    case DType::kInt64: return p.int64_data_size();
    case DType::kUint32:
    case DType::kUint64: return p.uint64_data_size();
    default: return p.int32_data_size();  // every type of 32 bits or fewer, one value per entry
  }
}

// Copies that field into `out`, which has as many elements.
void copy_typed_field(const onnx::TensorProto& p, DType dtype, Tensor& out) {
  const int64_t n = out.numel();
  switch (dtype) {
    case DType::kFloat:
      std::copy(p.float_data().begin(), p.float_data().end(), out.data<float>());
      return;
    case DType::kDouble:
      std::copy(p.double_data().begin(), p.double_data().end(), out.data<double>());
      return;
    case DType::kInt64:
      std::copy(p.int64_data().begin(), p.int64_data().end(), out.data<int64_t>());
      return;
    case DType::kUint32:
    case DType::kUint64: {
      for (int64_t i = 0; i < n; ++i) {
        const uint64_t v = p.uint64_data(static_cast<int>(i));
        if (dtype == DType::kUint32)
          out.data<uint32_t>()[i] = static_cast<uint32_t>(v);
        else
          out.data<uint64_t>()[i] = v;
      }
      return;
    }
    default: {
      const size_t elem = dtype_size(dtype);
      auto* dst = static_cast<std::byte*>(out.raw());
      for (int64_t i = 0; i < n; ++i) {
        const auto v = static_cast<uint32_t>(p.int32_data(static_cast<int>(i)));
        std::memcpy(dst + static_cast<size_t>(i) * elem, &v, elem);  // little-endian low bytes
      }
    }
  }
}

size_t byte_size(DType dtype, const Shape& shape, const std::string& what) {
  try {
    return tensor_bytes(dtype, shape);
  } catch (const Error& e) {
    throw Error(what + ": " + e.what());
  }
}

bool aligned_for(const void* p, DType dtype) {
  return reinterpret_cast<uintptr_t>(p) % dtype_size(dtype) == 0;
}

}  // namespace

TensorReader::TensorReader(std::filesystem::path model_dir) : model_dir_(std::move(model_dir)) {}

Tensor TensorReader::read(onnx::TensorProto& p, const std::string& what) {
  if (!dtype_supported(p.data_type()))
    throw Error(what + ": unsupported data type " + dtype_name(static_cast<DType>(p.data_type())));
  const DType dtype = static_cast<DType>(p.data_type());
  const Shape shape = proto_shape(p, what);
  if (p.has_segment()) throw Error(what + ": segmented tensors are not supported");
  if (p.data_location() == onnx::TensorProto::EXTERNAL) return read_external(p, dtype, shape, what);

  const int64_t n = shape_numel(shape);
  const size_t want = byte_size(dtype, shape, what);
  if (p.has_raw_data()) {
    const std::string& raw = p.raw_data();
    if (raw.size() != want)
      throw Error(what + ": raw_data has " + std::to_string(raw.size()) + " bytes, shape " + shape_str(shape) +
                  " of " + dtype_name(dtype) + " needs " + std::to_string(want));
    auto bytes = std::make_shared<std::string>(std::move(*p.mutable_raw_data()));
    if (want > 0 && aligned_for(bytes->data(), dtype)) return Tensor(dtype, shape, bytes->data(), bytes);
    Tensor t(dtype, shape);
    if (want) std::memcpy(t.raw(), bytes->data(), want);
    return t;
  }
  // Counted before allocating: the shape is the file's claim, the values are what it holds.
  if (const int64_t have = typed_field_size(p, dtype); have != n)
    throw Error(what + ": has " + std::to_string(have) + " values, shape " + shape_str(shape) + " needs " +
                std::to_string(n));
  Tensor t(dtype, shape);
  copy_typed_field(p, dtype, t);
  return t;
}

std::filesystem::path resolve_external_location(const std::filesystem::path& model_dir, const std::string& location) {
  namespace fs = std::filesystem;
  if (location.empty()) throw Error("external data location is empty");
  if (location.find("_ORT_MEM_ADDR_") != std::string::npos)
    throw Error("external data location '" + location + "' is an in-memory marker, not a file");
  const fs::path rel(location);
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory())
    throw Error("external data location '" + location + "' is absolute; it must be relative to the model directory");
  for (const fs::path& part : rel)
    if (part == "..") throw Error("external data location '" + location + "' climbs out with '..'");
  std::error_code ec;
  const fs::path root = fs::canonical(model_dir.empty() ? fs::path(".") : model_dir, ec);
  if (ec) throw Error("model directory '" + model_dir.string() + "' cannot be resolved: " + ec.message());
  const fs::path file = fs::canonical(root / rel, ec);
  if (ec) throw Error("external data file '" + location + "' not found in " + root.string());
  // Symlinks are resolved above, so a prefix check on whole components is exact.
  const auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (root_end != root.end())
    throw Error("external data location '" + location + "' resolves to " + file.string() +
                ", outside the model directory " + root.string());
  (void)file_it;
  return file;
}

Tensor TensorReader::read_external(const onnx::TensorProto& p, DType dtype, const Shape& shape,
                                   const std::string& what) {
  if (model_dir_.empty()) throw Error(what + ": external data is not allowed here");
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const auto& kv : p.external_data()) {
    try {
      if (kv.key() == "location") location = kv.value();
      if (kv.key() == "offset") offset = std::stoull(kv.value());
      if (kv.key() == "length") length = std::stoull(kv.value());
    } catch (const std::exception&) {
      throw Error(what + ": external data '" + kv.key() + "' is not a number: '" + kv.value() + "'");
    }
  }
  std::filesystem::path file;
  try {
    file = resolve_external_location(model_dir_, location);
  } catch (const Error& e) {
    throw Error(what + ": " + e.what());
  }
  auto& mapping = mapped_[file];
  if (!mapping) {
    try {
      mapping = MappedFile::open(file);
    } catch (const Error& e) {
      throw Error(what + ": " + e.what());
    }
  }
  const uint64_t want = byte_size(dtype, shape, what);
  if (length && *length != want)
    throw Error(what + ": external data length " + std::to_string(*length) + " but shape " + shape_str(shape) +
                " of " + dtype_name(dtype) + " needs " + std::to_string(want) + " bytes");
  if (offset > mapping->size() || mapping->size() - offset < want)
    throw Error(what + ": external data at offset " + std::to_string(offset) + " (+" + std::to_string(want) +
                " bytes) runs past the end of " + file.string() + " (" + std::to_string(mapping->size()) + " bytes)");
  const std::byte* src = mapping->data() + offset;
  if (want > 0 && aligned_for(src, dtype))
    return Tensor(dtype, shape, const_cast<std::byte*>(src), mapping);
  Tensor t(dtype, shape);
  if (want) std::memcpy(t.raw(), src, want);
  return t;
}

void tensor_to_proto(const Tensor& tensor, const std::string& name, onnx::TensorProto* proto) {
  proto->Clear();
  proto->set_name(name);
  proto->set_data_type(static_cast<int32_t>(tensor.dtype()));
  for (int64_t d : tensor.shape()) proto->add_dims(d);
  proto->set_raw_data(tensor.raw(), tensor.nbytes());
}

Tensor read_tensor_file(const std::filesystem::path& path, std::string* name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open");
  auto proto = std::make_unique<onnx::TensorProto>();
  if (!proto->ParseFromIstream(&in)) throw Error(path.string() + ": not a valid TensorProto");
  if (name) *name = proto->name();
  TensorReader reader({});
  return reader.read(*proto, path.string());
}

void write_tensor_file(const std::filesystem::path& path, const Tensor& tensor, const std::string& name) {
  onnx::TensorProto proto;
  tensor_to_proto(tensor, name, &proto);
  write_file_atomically(path, proto.SerializeAsString());
}

}  // namespace xenc
