// Reshape (opsets 5, 13, 14): the data with a new shape; 0 copies the input
// dim (unless allowzero=1), -1 is inferred from the element count.
#include <cstring>

#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 2);
  const ShapeInput& data = required_input(inputs, 0, "data");
  const ShapeInput& shape_in = required_input(inputs, 1, "shape");
  expect_dtype(shape_in, {DType::kInt64}, "shape");
  const auto requested = const_ints(shape_in);
  if (!requested) {
    // Rank is the length of the shape tensor when that is known.
    const auto& s = shape_in.type.shape;
    if (s && s->size() == 1 && (*s)[0].is_known()) return {ValueType{data.type.dtype, unknown_dims((*s)[0].value)}};
    return {ValueType{data.type.dtype, std::nullopt}};
  }
  const bool allow_zero = node.attr_int("allowzero", 0) != 0;
  SymShape out;
  int infer_at = -1;
  for (size_t i = 0; i < requested->size(); ++i) {
    const int64_t d = (*requested)[i];
    if (d == -1) {
      if (infer_at >= 0) throw Error("shape has more than one -1");
      infer_at = static_cast<int>(i);
      out.push_back(Dim::unknown());
    } else if (d == 0 && !allow_zero) {
      if (!data.type.shape) {
        out.push_back(Dim::unknown());
      } else {
        if (i >= data.type.shape->size()) throw Error("shape has 0 at index " + std::to_string(i) + " beyond the input rank");
        out.push_back((*data.type.shape)[i]);
      }
    } else if (d < 0) {
      throw Error("shape has invalid dim " + std::to_string(d));
    } else {
      out.push_back(Dim::known(d));
    }
  }
  // Resolve -1 and check the element count when everything is known.
  const auto in_concrete = data.type.shape ? to_concrete(*data.type.shape) : std::nullopt;
  if (in_concrete) {
    const int64_t total = shape_numel(*in_concrete);
    int64_t known = 1;
    bool all_known = true;
    for (size_t i = 0; i < out.size(); ++i) {
      if (static_cast<int>(i) == infer_at) continue;
      if (!out[i].is_known()) {
        all_known = false;
        continue;
      }
      known = out[i].value == 0 ? 0 : known * out[i].value;
    }
    if (all_known) {
      if (infer_at >= 0) {
        if (known == 0 || total % known != 0)
          throw Error("cannot reshape " + shape_str(*in_concrete) + " to " + sym_shape_str(out));
        out[static_cast<size_t>(infer_at)] = Dim::known(total / known);
      } else if (known != total) {
        throw Error("cannot reshape " + shape_str(*in_concrete) + " (" + std::to_string(total) + " elements) to " +
                    sym_shape_str(out));
      }
    }
  }
  return {ValueType{data.type.dtype, out}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  if (in[0]->nbytes()) std::memcpy(out[0]->raw(), in[0]->raw(), in[0]->nbytes());
}

}  // namespace

extern const OpSchema kReshapeOp{"", "Reshape", 5, infer, run};

}  // namespace xenc
