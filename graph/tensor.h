// A dense, row-major tensor. Storage is shared and reference counted so an
// initializer can live in a memory-mapped file and a run's intermediate in
// an arena block; copying a Tensor copies the handle, not the data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "graph/error.h"

namespace xenc {

using Shape = std::vector<int64_t>;

// Number of elements; throws on negative dims or 64-bit overflow.
int64_t shape_numel(const Shape& shape);
std::string shape_str(const Shape& shape);  // "[2,3,4]"
// Bytes of a `dtype` tensor of `shape`; throws for dtypes without a fixed
// size and for counts past 2^63 bytes, which no allocation or file can hold.
size_t tensor_bytes(DType dtype, const Shape& shape);

class Tensor {
 public:
  Tensor() = default;
  // Owned, zero-initialised storage.
  Tensor(DType dtype, Shape shape);
  // A view of memory kept alive by `owner` (an mmap, an arena block, ...).
  Tensor(DType dtype, Shape shape, void* data, std::shared_ptr<void> owner);

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t i) const { return shape_.at(static_cast<size_t>(i)); }
  int64_t numel() const { return numel_; }
  size_t nbytes() const { return static_cast<size_t>(numel_) * dtype_size(dtype_); }
  bool empty_handle() const { return dtype_ == DType::kUndefined; }

  void* raw() { return data_; }
  const void* raw() const { return data_; }
  template <class T>
  T* data() {
    check_type(dtype_of<T>());
    return static_cast<T*>(data_);
  }
  template <class T>
  const T* data() const {
    check_type(dtype_of<T>());
    return static_cast<const T*>(data_);
  }

  // Same storage, new shape with the same element count.
  Tensor reshaped(Shape shape) const;
  // A deep copy with owned storage.
  Tensor clone() const;

  // Reads element i of an integer tensor (any integer or bool dtype) as int64.
  int64_t int_at(int64_t i) const;
  // All elements of an integer tensor as int64 (for shape-like inputs).
  std::vector<int64_t> to_int64_vector() const;

 private:
  void check_type(DType want) const;

  DType dtype_ = DType::kUndefined;
  Shape shape_;
  int64_t numel_ = 0;
  std::shared_ptr<void> owner_;
  void* data_ = nullptr;
};

}  // namespace xenc
