#include "ops/common/dispatch.h"

namespace xenc {

bool is_float_dtype(DType t) { return t == DType::kFloat || t == DType::kDouble; }

bool is_integer_dtype(DType t) {
  switch (t) {
    case DType::kInt8:
    case DType::kUint8:
    case DType::kInt16:
    case DType::kUint16:
    case DType::kInt32:
    case DType::kUint32:
    case DType::kInt64:
    case DType::kUint64:
      return true;
    default:
      return false;
  }
}

bool is_numeric_dtype(DType t) { return is_float_dtype(t) || is_integer_dtype(t); }

}  // namespace xenc
