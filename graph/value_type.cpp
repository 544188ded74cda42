#include "graph/value_type.h"

namespace xenc {

SymShape to_sym_shape(const Shape& shape) {
  SymShape s;
  s.reserve(shape.size());
  for (int64_t d : shape) s.push_back(Dim::known(d));
  return s;
}

std::optional<Shape> to_concrete(const SymShape& shape) {
  Shape s;
  s.reserve(shape.size());
  for (const Dim& d : shape) {
    if (!d.is_known()) return std::nullopt;
    s.push_back(d.value);
  }
  return s;
}

std::string sym_shape_str(const SymShape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += shape[i].str();
  }
  return s + "]";
}

std::string ValueType::str() const {
  return dtype_name(dtype) + (shape ? sym_shape_str(*shape) : std::string("[rank ?]"));
}

}  // namespace xenc
