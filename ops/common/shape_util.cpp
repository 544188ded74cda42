#include "ops/common/shape_util.h"

#include <algorithm>

namespace xenc {

void expect_input_count(const Node& node, std::span<const ShapeInput> inputs, size_t min, size_t max) {
  (void)node;
  if (inputs.size() < min || inputs.size() > max)
    throw Error("expects " + (min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max)) +
                " inputs, got " + std::to_string(inputs.size()));
}

const ShapeInput& required_input(std::span<const ShapeInput> inputs, size_t i, const char* what) {
  if (i >= inputs.size() || !inputs[i].present) throw Error(std::string("missing required input '") + what + "'");
  return inputs[i];
}

void expect_dtype(const ShapeInput& in, std::initializer_list<DType> allowed, const char* what) {
  if (in.type.dtype == DType::kUndefined) return;
  if (std::find(allowed.begin(), allowed.end(), in.type.dtype) != allowed.end()) return;
  throw Error(std::string("input '") + what + "' has unsupported dtype " + dtype_name(in.type.dtype));
}

DType common_dtype(std::span<const ShapeInput> inputs, std::initializer_list<DType> allowed) {
  DType common = DType::kUndefined;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const DType t = inputs[i].type.dtype;
    if (!inputs[i].present || t == DType::kUndefined) continue;
    if (std::find(allowed.begin(), allowed.end(), t) == allowed.end())
      throw Error("input " + std::to_string(i) + " has unsupported dtype " + dtype_name(t));
    if (common != DType::kUndefined && t != common)
      throw Error("inputs have different dtypes: " + dtype_name(common) + " and " + dtype_name(t));
    common = t;
  }
  return common;
}

int64_t normalize_axis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    throw Error("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

std::optional<std::vector<int64_t>> const_ints(const ShapeInput& in) {
  if (!in.present || !in.value) return std::nullopt;
  return in.value->to_int64_vector();
}

SymShape unknown_dims(int64_t rank) { return SymShape(static_cast<size_t>(rank), Dim::unknown()); }

SymShape broadcast_shapes(const SymShape& a, const SymShape& b) {
  const size_t rank = std::max(a.size(), b.size());
  SymShape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const Dim da = i < rank - a.size() ? Dim::known(1) : a[i - (rank - a.size())];
    const Dim db = i < rank - b.size() ? Dim::known(1) : b[i - (rank - b.size())];
    if (da.is_known() && da.value == 1) {
      out[i] = db;
    } else if (db.is_known() && db.value == 1) {
      out[i] = da;
    } else if (da.is_known() && db.is_known()) {
      if (da.value != db.value)
        throw Error("shapes " + sym_shape_str(a) + " and " + sym_shape_str(b) + " cannot be broadcast");
      out[i] = da;
    } else {
      // At least one side symbolic: a known dim (other than 1) wins, else keep a name.
      out[i] = da.is_known() ? da : (db.is_known() ? db : (da.symbol.empty() ? db : da));
    }
  }
  return out;
}

std::optional<SymShape> broadcast_inputs(std::span<const ShapeInput> inputs) {
  SymShape out;
  for (const ShapeInput& in : inputs) {
    if (!in.present) continue;
    if (!in.type.shape) return std::nullopt;
    out = broadcast_shapes(out, *in.type.shape);
  }
  return out;
}

void expect_broadcastable_to(const SymShape& from, const SymShape& to, const char* what) {
  bool ok = from.size() <= to.size();
  for (size_t i = 0; ok && i < from.size(); ++i) {
    const Dim& f = from[i];
    const Dim& t = to[to.size() - from.size() + i];
    ok = !f.is_known() || f.value == 1 || !t.is_known() || f.value == t.value;
  }
  if (!ok) throw Error(std::string(what) + " " + sym_shape_str(from) + " does not broadcast to " + sym_shape_str(to));
}

std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t stride = 1;
  const size_t offset = out.size() - shape.size();
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i + offset] = shape[i] == 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

}  // namespace xenc
