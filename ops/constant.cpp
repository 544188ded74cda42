// Constant (opsets 1, 9, 11, 12, 13): outputs the tensor in its one value
// attribute: value, value_float(s) or value_int(s) (strings and sparse
// tensors are not supported).
#include <cstring>

#include "ops/common/shape_util.h"

namespace xenc {
namespace {

// The output's type and bytes, which live in the node's attributes.
struct ConstantData {
  DType dtype;
  Shape shape;
  const void* bytes;
};

const Attribute& attr_of_kind(const Node& node, const char* key, Attribute::Kind kind) {
  const Attribute& attr = *node.find_attr(key);
  if (attr.kind != kind) throw Error(std::string("attribute '") + key + "' has the wrong kind");
  return attr;
}

ConstantData constant_data(const Node& node) {
  static const char* const kValueKeys[] = {"value",     "value_float",  "value_floats",  "value_int",
                                           "value_ints", "value_string", "value_strings", "sparse_value"};
  const char* key = nullptr;
  for (const char* k : kValueKeys) {
    if (!node.has_attr(k)) continue;
    if (key) throw Error(std::string("has both '") + key + "' and '" + k + "'; expects one value attribute");
    key = k;
  }
  if (!key) throw Error("has no value attribute");
  using Kind = Attribute::Kind;
  const std::string which = key;
  if (which == "value") {
    const Tensor& t = attr_of_kind(node, key, Kind::kTensor).t;
    if (dtype_size(t.dtype()) == 0) throw Error("tensors of dtype " + dtype_name(t.dtype()) + " are not supported");
    return {t.dtype(), t.shape(), t.raw()};
  }
  if (which == "value_float") return {DType::kFloat, {}, &attr_of_kind(node, key, Kind::kFloat).f};
  if (which == "value_int") return {DType::kInt64, {}, &attr_of_kind(node, key, Kind::kInt).i};
  if (which == "value_floats") {
    const auto& floats = attr_of_kind(node, key, Kind::kFloats).floats;
    return {DType::kFloat, {static_cast<int64_t>(floats.size())}, floats.data()};
  }
  if (which == "value_ints") {
    const auto& ints = attr_of_kind(node, key, Kind::kInts).ints;
    return {DType::kInt64, {static_cast<int64_t>(ints.size())}, ints.data()};
  }
  throw Error("attribute '" + which + "' is not supported (xenc has no string or sparse tensors)");
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 0, 0);
  const ConstantData data = constant_data(node);
  return {ValueType{data.dtype, to_sym_shape(data.shape)}};
}

void run(const Node& node, std::span<const Tensor* const>, std::span<Tensor* const> out) {
  const ConstantData data = constant_data(node);
  if (out[0]->nbytes()) std::memcpy(out[0]->raw(), data.bytes, out[0]->nbytes());
}

}  // namespace

extern const OpSchema kConstantOp{"", "Constant", 1, infer, run};

}  // namespace xenc
