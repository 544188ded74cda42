// Range (opset 11): the 1-D sequence start, start + delta, ... stopping before
// limit; its length is max(ceil((limit - start) / delta), 0).
#include <cmath>
#include <type_traits>

#include "ops/common/dispatch.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

constexpr std::initializer_list<DType> kRangeTypes = {DType::kFloat, DType::kDouble, DType::kInt16, DType::kInt32,
                                                      DType::kInt64};

// Integers in int64 (exact), floats in double (as numpy.arange does).
template <class T>
using Wide = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

template <class T>
int64_t range_length(Wide<T> start, Wide<T> limit, Wide<T> delta) {
  if (delta == 0) throw Error("delta must not be 0");
  if constexpr (std::is_floating_point_v<T>) {
    const double steps = std::ceil((limit - start) / delta);
    if (!std::isfinite(steps)) throw Error("range has no finite length");
    if (steps > 1e15) throw Error("range is too long");
    return steps > 0 ? static_cast<int64_t>(steps) : 0;
  } else {
    int64_t span = 0;
    if (__builtin_sub_overflow(limit, start, &span)) throw Error("range is too long");
    // Ceiling division: round the truncated quotient up when the exact one is positive.
    int64_t steps = span / delta;
    if (span % delta != 0 && (span > 0) == (delta > 0)) ++steps;
    return steps > 0 ? steps : 0;
  }
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 3, 3);
  static const char* const kNames[3] = {"start", "limit", "delta"};
  DType dtype = DType::kUndefined;
  bool values_known = true;
  for (size_t i = 0; i < 3; ++i) {
    const ShapeInput& in = required_input(inputs, i, kNames[i]);
    expect_dtype(in, kRangeTypes, kNames[i]);
    if (in.type.dtype != DType::kUndefined) {
      if (dtype != DType::kUndefined && in.type.dtype != dtype)
        throw Error("start, limit and delta have different dtypes");
      dtype = in.type.dtype;
    }
    const auto& shape = in.type.shape;
    if (shape && !(shape->empty() || (shape->size() == 1 && shape->front().is_known() && shape->front().value == 1)))
      throw Error(std::string("'") + kNames[i] + "' must be a scalar, has shape " + sym_shape_str(*shape));
    values_known = values_known && in.value;
  }
  if (!values_known) return {ValueType{dtype, SymShape{Dim::unknown()}}};
  int64_t length = 0;
  dispatch_numeric(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const auto scalar = [&](size_t i) { return static_cast<Wide<T>>(inputs[i].value->template data<T>()[0]); };
    length = range_length<T>(scalar(0), scalar(1), scalar(2));
  });
  return {ValueType{dtype, SymShape{Dim::known(length)}}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const auto start = static_cast<Wide<T>>(in[0]->data<T>()[0]);
    const auto delta = static_cast<Wide<T>>(in[2]->data<T>()[0]);
    T* y = out[0]->data<T>();
    for (int64_t i = 0, n = out[0]->numel(); i < n; ++i)
      y[i] = static_cast<T>(start + static_cast<Wide<T>>(i) * delta);
  });
}

}  // namespace

extern const OpSchema kRangeOp{"", "Range", 11, infer, run};

}  // namespace xenc
