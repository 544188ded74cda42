#include "graph/tensor.h"

#include <cstring>
#include <limits>

namespace xenc {

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw Error("negative dimension in shape " + shape_str(shape));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      throw Error("element count of shape " + shape_str(shape) + " overflows 64 bits");
    n *= d;
  }
  return n;
}

std::string shape_str(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

size_t tensor_bytes(DType dtype, const Shape& shape) {
  const size_t elem = dtype_size(dtype);
  if (elem == 0) throw Error("tensors of dtype " + dtype_name(dtype) + " are not supported");
  const auto count = static_cast<uint64_t>(shape_numel(shape));
  if (count > std::numeric_limits<size_t>::max() / elem / 2)
    throw Error("shape " + shape_str(shape) + " of " + dtype_name(dtype) + " needs more than 2^63 bytes");
  return static_cast<size_t>(count) * elem;
}

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  numel_ = shape_numel(shape_);
  const size_t bytes = tensor_bytes(dtype_, shape_);
  // operator new of at least one byte keeps data() non-null for empty tensors.
  std::shared_ptr<std::byte[]> block(new std::byte[bytes ? bytes : 1]());
  data_ = block.get();
  owner_ = std::move(block);
}

Tensor::Tensor(DType dtype, Shape shape, void* data, std::shared_ptr<void> owner)
    : dtype_(dtype), shape_(std::move(shape)), owner_(std::move(owner)), data_(data) {
  numel_ = shape_numel(shape_);
  tensor_bytes(dtype_, shape_);
}

Tensor Tensor::reshaped(Shape shape) const {
  if (shape_numel(shape) != numel_)
    throw Error("cannot reshape " + shape_str(shape_) + " to " + shape_str(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::clone() const {
  Tensor t(dtype_, shape_);
  if (nbytes()) std::memcpy(t.data_, data_, nbytes());
  return t;
}

void Tensor::check_type(DType want) const {
  if (want != dtype_)
    throw Error("tensor holds " + dtype_name(dtype_) + ", accessed as " + dtype_name(want));
}

int64_t Tensor::int_at(int64_t i) const {
  switch (dtype_) {
    case DType::kInt64: return static_cast<const int64_t*>(data_)[i];
    case DType::kInt32: return static_cast<const int32_t*>(data_)[i];
    case DType::kInt16: return static_cast<const int16_t*>(data_)[i];
    case DType::kInt8: return static_cast<const int8_t*>(data_)[i];
    case DType::kUint8: return static_cast<const uint8_t*>(data_)[i];
    case DType::kUint16: return static_cast<const uint16_t*>(data_)[i];
    case DType::kUint32: return static_cast<const uint32_t*>(data_)[i];
    case DType::kUint64: return static_cast<int64_t>(static_cast<const uint64_t*>(data_)[i]);
    case DType::kBool: return static_cast<const bool*>(data_)[i] ? 1 : 0;
    default: throw Error("expected an integer tensor, got " + dtype_name(dtype_));
  }
}

std::vector<int64_t> Tensor::to_int64_vector() const {
  std::vector<int64_t> v(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i) v[static_cast<size_t>(i)] = int_at(i);
  return v;
}

}  // namespace xenc
