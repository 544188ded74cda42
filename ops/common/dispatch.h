// Calls a generic lambda with a tag of the C++ type behind a DType, so a
// reference kernel is written once as a template and instantiated per type.
#pragma once

#include <cstdint>

#include "graph/dtype.h"
#include "graph/error.h"

namespace xenc {

template <class T>
struct TypeTag {
  using type = T;
};

// Float and double.
template <class F>
void dispatch_float(DType t, F&& f) {
  switch (t) {
    case DType::kFloat: return f(TypeTag<float>{});
    case DType::kDouble: return f(TypeTag<double>{});
    default: throw Error("unsupported dtype " + dtype_name(t) + " (expected float or double)");
  }
}

// Signed and unsigned integers of every width.
template <class F>
void dispatch_integer(DType t, F&& f) {
  switch (t) {
    case DType::kInt8: return f(TypeTag<int8_t>{});
    case DType::kUint8: return f(TypeTag<uint8_t>{});
    case DType::kInt16: return f(TypeTag<int16_t>{});
    case DType::kUint16: return f(TypeTag<uint16_t>{});
    case DType::kInt32: return f(TypeTag<int32_t>{});
    case DType::kUint32: return f(TypeTag<uint32_t>{});
    case DType::kInt64: return f(TypeTag<int64_t>{});
    case DType::kUint64: return f(TypeTag<uint64_t>{});
    default: throw Error("unsupported dtype " + dtype_name(t) + " (expected an integer type)");
  }
}

// Every arithmetic type: floats and integers.
template <class F>
void dispatch_numeric(DType t, F&& f) {
  if (t == DType::kFloat || t == DType::kDouble) return dispatch_float(t, f);
  return dispatch_integer(t, f);
}

// Every stored type including bool and the 16-bit floats (for data movement).
template <class F>
void dispatch_any(DType t, F&& f) {
  switch (t) {
    case DType::kBool: return f(TypeTag<bool>{});
    case DType::kFloat16: return f(TypeTag<Float16>{});
    case DType::kBFloat16: return f(TypeTag<BFloat16>{});
    default: return dispatch_numeric(t, f);
  }
}

// The dispatch above for a set of dtypes named at compile time, for kernel
// templates parameterised by the dtypes they are instantiated for.
enum class TypeSet { kFloat, kNumeric, kBool, kAny };
template <TypeSet Types, class F>
void dispatch_types(DType t, F&& f) {
  if constexpr (Types == TypeSet::kFloat) {
    return dispatch_float(t, f);
  } else if constexpr (Types == TypeSet::kNumeric) {
    return dispatch_numeric(t, f);
  } else if constexpr (Types == TypeSet::kBool) {
    if (t != DType::kBool) throw Error("unsupported dtype " + dtype_name(t) + " (expected bool)");
    return f(TypeTag<bool>{});
  } else {
    return dispatch_any(t, f);
  }
}

bool is_float_dtype(DType t);
bool is_integer_dtype(DType t);
bool is_numeric_dtype(DType t);

}  // namespace xenc
