// CumSum (opsets 11, 14): running sums along the axis given by the scalar
// `axis` input; `exclusive` leaves out the current element, `reverse` sums
// from the end.
#include "ops/common/data_movement.h"
#include "ops/common/elementwise.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 2);
  const ShapeInput& x = required_input(inputs, 0, "x");
  const ShapeInput& axis = required_input(inputs, 1, "axis");
  expect_dtype(x, kNumericTypes, "x");
  expect_dtype(axis, {DType::kInt32, DType::kInt64}, "axis");
  const auto& axis_shape = axis.type.shape;
  if (axis_shape && !(axis_shape->empty() || vector_length(axis) == 1))
    throw Error("'axis' must be a scalar, has shape " + sym_shape_str(*axis_shape));
  if (axis.value && x.type.shape) normalize_axis(axis.value->int_at(0), static_cast<int64_t>(x.type.shape->size()));
  return {x.type};
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const Shape& shape = x.shape();
  const auto axis = static_cast<size_t>(normalize_axis(in[1]->int_at(0), x.rank()));
  const int64_t outer = dims_product(shape, 0, axis);
  const int64_t length = shape[axis];
  const int64_t inner = dims_product(shape, axis + 1, shape.size());
  const bool exclusive = node.attr_int("exclusive", 0) != 0;
  const bool reverse = node.attr_int("reverse", 0) != 0;
  dispatch_numeric(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = x.data<T>();
    T* dst = out[0]->data<T>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t first = o * length * inner + i;
        T sum = T(0);
        for (int64_t step = 0; step < length; ++step) {
          const int64_t at = first + (reverse ? length - 1 - step : step) * inner;
          const T with_current = static_cast<T>(sum + src[at]);
          dst[at] = exclusive ? sum : with_current;
          sum = with_current;
        }
      }
    }
  });
}

}  // namespace

extern const OpSchema kCumSumOp{"", "CumSum", 11, infer, run};

}  // namespace xenc
