// LayerNormalization (opset 17; accepted at any opset because ONNX Runtime
// writes it in the default domain below 17): over the dims from `axis` on,
// Y = (X - mean) / sqrt(variance + epsilon) * Scale + B, with optional
// outputs Mean and InvStdDev (normalised dims kept as 1) in stash_type.
#include "ops/common/dispatch.h"
#include "ops/common/layer_norm.h"
#include "ops/common/shape_util.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

int64_t norm_axis(const Node& node, int64_t rank) { return normalize_axis(node.attr_int("axis", -1), rank); }

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 3);
  if (node.outputs.empty() || node.outputs.size() > 3)
    throw Error("expects 1 to 3 outputs, got " + std::to_string(node.outputs.size()));
  const ShapeInput& x = required_input(inputs, 0, "X");
  const ShapeInput& scale = required_input(inputs, 1, "Scale");
  const bool has_bias = inputs.size() == 3 && inputs[2].present;
  const DType dtype = common_dtype(inputs, {DType::kFloat, DType::kDouble});
  const auto stash_type = static_cast<DType>(node.attr_int("stash_type", 1));
  if (stash_type != DType::kFloat && stash_type != DType::kDouble)
    throw Error("stash_type must be float or double, got " + dtype_name(stash_type));

  std::vector<ValueType> out(node.outputs.size(), ValueType{stash_type, std::nullopt});
  out[0] = ValueType{dtype, x.type.shape};
  if (!x.type.shape) return out;
  const SymShape& shape = *x.type.shape;
  const size_t axis = static_cast<size_t>(norm_axis(node, static_cast<int64_t>(shape.size())));
  const SymShape normalized(shape.begin() + static_cast<std::ptrdiff_t>(axis), shape.end());
  if (scale.type.shape) expect_broadcastable_to(*scale.type.shape, normalized, "Scale");
  if (has_bias && inputs[2].type.shape) expect_broadcastable_to(*inputs[2].type.shape, normalized, "B");
  SymShape stats_shape(shape.begin(), shape.begin() + static_cast<std::ptrdiff_t>(axis));
  stats_shape.resize(shape.size(), Dim::known(1));
  for (size_t i = 1; i < out.size(); ++i) out[i].shape = stats_shape;
  return out;
}

// A Scale or B tensor broadcast to the normalised shape, as doubles, so the
// row loop can index it like the row itself.
template <class T>
std::vector<double> expand_param(const Tensor& param, const Shape& normalized) {
  std::vector<double> expanded(static_cast<size_t>(shape_numel(normalized)));
  const T* p = param.data<T>();
  const std::vector<int64_t> strides[1] = {broadcast_strides(param.shape(), normalized)};
  for_each_broadcast(normalized, strides, [&](int64_t i, const int64_t* off) { expanded[i] = p[off[0]]; });
  return expanded;
}

void write_stat(Tensor* out, const std::vector<double>& values) {
  if (!out) return;
  dispatch_float(out->dtype(), [&](auto tag) {
    using U = typename decltype(tag)::type;
    U* dst = out->data<U>();
    for (size_t i = 0; i < values.size(); ++i) dst[i] = static_cast<U>(values[i]);
  });
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto axis = static_cast<size_t>(norm_axis(node, x.rank()));
  const Shape outer_shape(x.shape().begin(), x.shape().begin() + static_cast<std::ptrdiff_t>(axis));
  const Shape normalized(x.shape().begin() + static_cast<std::ptrdiff_t>(axis), x.shape().end());
  const int64_t rows = shape_numel(outer_shape);
  const int64_t cols = shape_numel(normalized);
  const double epsilon = node.attr_float("epsilon", 1e-5f);
  std::vector<double> means(static_cast<size_t>(rows)), inv_std_devs(static_cast<size_t>(rows));
  dispatch_float(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const std::vector<double> scale = expand_param<T>(*in[1], normalized);
    const std::vector<double> bias =
        in.size() == 3 && in[2] ? expand_param<T>(*in[2], normalized) : std::vector<double>(scale.size(), 0.0);
    for (int64_t r = 0; r < rows; ++r) {
      const RowStats stats = normalize_row(x.data<T>() + r * cols, cols, scale.data(), bias.data(), epsilon,
                                           out[0]->data<T>() + r * cols);
      means[static_cast<size_t>(r)] = stats.mean;
      inv_std_devs[static_cast<size_t>(r)] = stats.inv_std_dev;
    }
  });
  write_stat(out.size() > 1 ? out[1] : nullptr, means);
  write_stat(out.size() > 2 ? out[2] : nullptr, inv_std_devs);
}

}  // namespace

extern const OpSchema kLayerNormalizationOp{"", "LayerNormalization", 1, infer, run,
                                            fast_or_reference<fast_layer_normalization, run>};

}  // namespace xenc
