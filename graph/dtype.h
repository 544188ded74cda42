// Element types. The numbering is ONNX's TensorProto.DataType so a dtype
// read from a model needs no translation table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace xenc {

enum class DType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBFloat16 = 16,
};

// Bytes per element; 0 for types xenc does not store (string, complex).
size_t dtype_size(DType t);
// Lower-case ONNX name, e.g. "float", "int64"; "dtype(N)" for unknown codes.
std::string dtype_name(DType t);
// True when `code` is a TensorProto.DataType xenc can hold in a Tensor.
bool dtype_supported(int32_t code);

// 16-bit float types stored as their raw bits.
struct Float16 {
  uint16_t bits;
};
struct BFloat16 {
  uint16_t bits;
};
float to_float(Float16 h);
float to_float(BFloat16 b);
Float16 to_float16(float f);    // round to nearest even
BFloat16 to_bfloat16(float f);  // round to nearest even

template <class T>
constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::kFloat; }
template <> constexpr DType dtype_of<double>() { return DType::kDouble; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::kUint8; }
template <> constexpr DType dtype_of<int8_t>() { return DType::kInt8; }
template <> constexpr DType dtype_of<uint16_t>() { return DType::kUint16; }
template <> constexpr DType dtype_of<int16_t>() { return DType::kInt16; }
template <> constexpr DType dtype_of<int32_t>() { return DType::kInt32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::kInt64; }
template <> constexpr DType dtype_of<uint32_t>() { return DType::kUint32; }
template <> constexpr DType dtype_of<uint64_t>() { return DType::kUint64; }
template <> constexpr DType dtype_of<bool>() { return DType::kBool; }
template <> constexpr DType dtype_of<Float16>() { return DType::kFloat16; }
template <> constexpr DType dtype_of<BFloat16>() { return DType::kBFloat16; }

}  // namespace xenc
