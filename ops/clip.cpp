// Clip (opsets 6, 11, 12, 13): Y = min(max(X, min), max) element-wise. The
// bounds are float attributes before opset 11 and optional scalar inputs of
// X's type from it; an absent bound does not clip. When min > max every
// element becomes max, as the spec says.
#include <limits>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

constexpr int kBoundsAsInputsOpset = 11;

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  const size_t max_inputs = node.opset < kBoundsAsInputsOpset ? 1 : 3;
  expect_input_count(node, inputs, 1, max_inputs);
  const ShapeInput& x = required_input(inputs, 0, "input");
  expect_dtype(x, kNumericTypes, "input");
  for (size_t i = 1; i < inputs.size(); ++i) {
    const ShapeInput& bound = inputs[i];
    if (!bound.present) continue;
    const char* what = i == 1 ? "min" : "max";
    if (bound.type.dtype != DType::kUndefined && x.type.dtype != DType::kUndefined && bound.type.dtype != x.type.dtype)
      throw Error(std::string("input '") + what + "' has dtype " + dtype_name(bound.type.dtype) + ", expected " +
                  dtype_name(x.type.dtype));
    // ONNX Runtime also accepts shape [1] as a scalar.
    const auto& shape = bound.type.shape;
    const bool scalar = !shape || shape->empty() ||
                        (shape->size() == 1 && (!(*shape)[0].is_known() || (*shape)[0].value == 1));
    if (!scalar) throw Error(std::string("input '") + what + "' must be a scalar, got shape " + sym_shape_str(*shape));
  }
  return {x.type};
}

// The bound from input `index` (opset 11+) or attribute `name` (before), or
// `unbounded` when absent.
template <class T>
T clip_bound(const Node& node, std::span<const Tensor* const> in, size_t index, const char* name, T unbounded) {
  if (node.opset < kBoundsAsInputsOpset) {
    return node.has_attr(name) ? static_cast<T>(node.attr_float(name, 0)) : unbounded;
  }
  return index < in.size() && in[index] ? in[index]->data<T>()[0] : unbounded;
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_numeric(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Limits = std::numeric_limits<T>;
    const T lo = clip_bound<T>(node, in, 1, "min", Limits::has_infinity ? -Limits::infinity() : Limits::lowest());
    const T hi = clip_bound<T>(node, in, 2, "max", Limits::has_infinity ? Limits::infinity() : Limits::max());
    // std::max/min return their first argument on NaN, so NaN passes through.
    unary_map<T, T>(*in[0], *out[0], [&](T x) { return std::min(std::max(x, lo), hi); });
  });
}

}  // namespace

extern const OpSchema kClipOp{"", "Clip", 6, infer, run};

}  // namespace xenc
