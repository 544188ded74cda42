// Tile (opsets 6, 13): repeats the input repeats[d] times along each dim d.
#include <cstring>
#include <limits>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 2);
  const ShapeInput& data = required_input(inputs, 0, "input");
  const ShapeInput& repeats_in = required_input(inputs, 1, "repeats");
  expect_storable(data, "input");
  expect_dtype(repeats_in, {DType::kInt64}, "repeats");
  const DType dtype = data.type.dtype;
  if (!data.type.shape) return {ValueType{dtype, std::nullopt}};
  SymShape out = *data.type.shape;
  const auto repeats = const_ints(repeats_in);
  std::optional<int64_t> length = vector_length(repeats_in);
  if (repeats) length = static_cast<int64_t>(repeats->size());
  if (length && *length != static_cast<int64_t>(out.size()))
    throw Error("repeats has " + std::to_string(*length) + " entries for an input of rank " +
                std::to_string(out.size()));
  if (!repeats) return {ValueType{dtype, unknown_dims(static_cast<int64_t>(out.size()))}};
  for (size_t d = 0; d < out.size(); ++d) {
    const int64_t r = (*repeats)[d];
    if (r < 0) throw Error("repeats " + shape_str(*repeats) + " has a negative entry");
    if (out[d].is_known()) {
      if (r != 0 && out[d].value > std::numeric_limits<int64_t>::max() / r)
        throw Error("repeats " + shape_str(*repeats) + " make a dim too large");
      out[d] = Dim::known(out[d].value * r);
    } else if (r != 1) {
      out[d] = r == 0 ? Dim::known(0) : Dim::unknown();
    }
  }
  return {ValueType{dtype, out}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& data = *in[0];
  const Shape& in_shape = data.shape();
  const Shape& out_shape = out[0]->shape();
  const std::vector<int64_t> in_strides = row_major_strides(in_shape);
  const size_t elem = dtype_size(data.dtype());
  const auto* src = static_cast<const std::byte*>(data.raw());
  auto* dst = static_cast<std::byte*>(out[0]->raw());
  // Walk the output; each coordinate reads the input at coordinate mod the input dim.
  std::vector<int64_t> index(out_shape.size(), 0);
  for (int64_t o = 0, n = out[0]->numel(); o < n; ++o) {
    int64_t source = 0;
    for (size_t d = 0; d < index.size(); ++d) source += (index[d] % in_shape[d]) * in_strides[d];
    std::memcpy(dst + static_cast<size_t>(o) * elem, src + static_cast<size_t>(source) * elem, elem);
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < out_shape[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace

extern const OpSchema kTileOp{"", "Tile", 6, infer, run};

}  // namespace xenc
