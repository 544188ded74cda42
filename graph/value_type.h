// Static type of a graph value: dtype plus a shape whose dims are known
// numbers, named symbols ("batch_size") or unknown. Shape inference at load
// works on these; at run time the same functions see only known dims.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "graph/tensor.h"

namespace xenc {

struct Dim {
  int64_t value = -1;  // >= 0 when known
  std::string symbol;  // name of an unknown dim; empty when anonymous

  static Dim known(int64_t v) { return Dim{v, {}}; }
  static Dim named(std::string s) { return Dim{-1, std::move(s)}; }
  static Dim unknown() { return Dim{}; }
  bool is_known() const { return value >= 0; }
  bool operator==(const Dim& o) const {
    return is_known() ? value == o.value : (!o.is_known() && !symbol.empty() && symbol == o.symbol);
  }
  std::string str() const { return is_known() ? std::to_string(value) : (symbol.empty() ? "?" : symbol); }
};

using SymShape = std::vector<Dim>;

SymShape to_sym_shape(const Shape& shape);
// The concrete shape when every dim is known.
std::optional<Shape> to_concrete(const SymShape& shape);
std::string sym_shape_str(const SymShape& shape);

struct ValueType {
  DType dtype = DType::kUndefined;
  std::optional<SymShape> shape;  // nullopt: rank unknown

  std::string str() const;
};

}  // namespace xenc
