#include "ops/common/quantize.h"

#include <algorithm>
#include <string>

#include "ops/common/elementwise.h"
#include "ops/common/gemm.h"
#include "ops/common/shape_checks.h"
#include "ops/common/shape_util.h"

namespace xenc {

const std::initializer_list<DType> kQuantizedTypes = {DType::kUint8, DType::kInt8};

Uint8Quantization dynamic_uint8_params(const float* x, int64_t n) {
  // std::min and std::max keep their first argument when the second is NaN.
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  return dynamic_uint8_quantization(lo, hi);
}

Uint8Quantization quantize_dynamic_uint8(const float* x, int64_t n, uint8_t* y) {
  const Uint8Quantization q = dynamic_uint8_params(x, n);
  for (int64_t i = 0; i < n; ++i) y[i] = quantize_uint8(x[i], q);
  return q;
}

void quantize_row_with_params(const float* x, int64_t n, uint8_t* values, float* params) {
  const Uint8Quantization q = quantize_dynamic_uint8(x, n, values);
  int64_t sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += values[i];
  params[0] = q.scale;
  params[1] = q.zero_point;
  params[2] = static_cast<float>(sum);
}

SymShape matmul_result_shape(const SymShape& a, const SymShape& b) {
  if (a.empty() || b.empty()) throw Error("A and B must have rank >= 1, got scalars");
  const Dim& k_a = a.back();
  const Dim& k_b = b.size() == 1 ? b[0] : b[b.size() - 2];
  if (k_a.is_known() && k_b.is_known() && k_a.value != k_b.value)
    throw Error("inner dimensions differ: A " + sym_shape_str(a) + ", B " + sym_shape_str(b));
  const auto batch = [](const SymShape& s) {
    return SymShape(s.begin(), s.end() - static_cast<std::ptrdiff_t>(std::min<size_t>(s.size(), 2)));
  };
  SymShape out = broadcast_shapes(batch(a), batch(b));
  if (a.size() >= 2) out.push_back(a[a.size() - 2]);
  if (b.size() >= 2) out.push_back(b.back());
  return out;
}

bool is_one_element(const SymShape& shape) {
  return std::ranges::all_of(shape, [](const Dim& d) { return d.is_known() && d.value == 1; });
}

namespace {

// Per-axis parameters need opset 13; opset 10 has no axis attribute.
constexpr int kPerAxisOpset = 13;

}  // namespace

void expect_linear_params(const Node& node, const ShapeInput& x, const ShapeInput& scale,
                          const ShapeInput* zero_point, const char* scale_name, const char* zero_point_name) {
  if (scale.type.dtype != DType::kUndefined && scale.type.dtype != DType::kFloat)
    throw Error(std::string(scale_name) + " must be float, got " + dtype_name(scale.type.dtype));
  if (!scale.type.shape) return;
  const SymShape& s = *scale.type.shape;
  if (zero_point && zero_point->type.shape) {
    const SymShape& z = *zero_point->type.shape;
    const auto dims_match = [](const Dim& a, const Dim& b) {
      return !a.is_known() || !b.is_known() || a.value == b.value;
    };
    const bool same =
        is_one_element(s) ? is_one_element(z) : z.size() == s.size() && std::ranges::equal(z, s, dims_match);
    if (!same)
      throw Error(std::string(zero_point_name) + " has shape " + sym_shape_str(z) + ", " + scale_name + " " +
                  sym_shape_str(s) + "; they must match");
  }
  if (is_one_element(s)) return;
  if (node.opset < kPerAxisOpset)
    throw Error(std::string(scale_name) + " must be a scalar at opset " + std::to_string(node.opset) +
                " (per-axis quantization needs opset 13), got shape " + sym_shape_str(s));
  if (s.size() != 1)
    throw Error(std::string(scale_name) + " must be a scalar (per tensor) or 1-D (per axis), got shape " +
                sym_shape_str(s));
  if (!x.type.shape) return;
  const SymShape& xs = *x.type.shape;
  const int64_t axis = normalize_axis(node.attr_int("axis", 1), static_cast<int64_t>(xs.size()));
  const Dim& channels = xs[static_cast<size_t>(axis)];
  if (s[0].is_known() && channels.is_known() && s[0].value != channels.value)
    throw Error(std::string(scale_name) + " has " + std::to_string(s[0].value) + " elements, x has " +
                std::to_string(channels.value) + " along axis " + std::to_string(axis) + " " + sym_shape_str(xs));
}

ChannelLayout channel_layout(const Node& node, const Shape& x, const Shape& scale) {
  if (shape_numel(scale) == 1) return {};
  const int64_t axis = normalize_axis(node.attr_int("axis", 1), static_cast<int64_t>(x.size()));
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < x.size(); ++d) inner *= x[d];
  return {x[static_cast<size_t>(axis)], inner};
}

namespace {

bool dims_fit(const Dim& param, const Dim& target) {
  return !param.is_known() || param.value == 1 || !target.is_known() || param.value == target.value;
}

// Whether a parameter of shape p fits `side` of operand x (unknown dims pass):
// one element; or, for x of rank >= 2, 1-D of x's row (column) count, or
// broadcastable to x's shape with the reduced K dim set to 1 while its own
// K dim is 1.
bool param_fits(const SymShape& p, const SymShape& x, MatMulSide side) {
  if (is_one_element(p)) return true;
  if (x.size() < 2) return false;
  const bool rows = side == MatMulSide::kRowsOfA;
  const size_t k_axis = rows ? x.size() - 1 : x.size() - 2;
  if (p.size() == 1) {
    const Dim& count = rows ? x[x.size() - 2] : x.back();
    return !p[0].is_known() || !count.is_known() || p[0].value == count.value;
  }
  if (p.size() > x.size()) return false;
  const size_t offset = x.size() - p.size();
  for (size_t i = 0; i < p.size(); ++i) {
    const Dim& target = i + offset == k_axis ? Dim::known(1) : x[i + offset];
    if (i + offset == k_axis && p[i].is_known() && p[i].value != 1) return false;
    if (!dims_fit(p[i], target)) return false;
  }
  return true;
}

// "one per row of A [5,3] (shape [5] or [..., 5, 1])".
std::string per_slice_text(const SymShape& x, MatMulSide side) {
  const bool rows = side == MatMulSide::kRowsOfA;
  const std::string count = x.size() < 2 ? "?" : (rows ? x[x.size() - 2] : x.back()).str();
  return rows ? "one per row of A " + sym_shape_str(x) + " (shape [" + count + "] or [..., " + count + ", 1])"
              : "one per column of B " + sym_shape_str(x) + " (shape [" + count + "] or [..., 1, " + count + "])";
}

}  // namespace

void expect_matmul_param(const ShapeInput& param, const ShapeInput& x, MatMulSide side, const char* what) {
  if (!param.present || !param.type.shape || !x.type.shape) return;
  const SymShape& p = *param.type.shape;
  const SymShape& s = *x.type.shape;
  if (param_fits(p, s, side)) return;
  if (s.size() < 2)
    throw Error(std::string(what) + " has shape " + sym_shape_str(p) + "; " +
                (side == MatMulSide::kRowsOfA ? "A" : "B") + " is 1-D, so it must be one element");
  throw Error(std::string(what) + " has shape " + sym_shape_str(p) + "; expected one element or " +
              per_slice_text(s, side));
}

void expect_matmul_scale(const ShapeInput& param, const ShapeInput& a, const ShapeInput& b, const char* what) {
  if (!param.present || !param.type.shape || !a.type.shape || !b.type.shape) return;
  const SymShape& p = *param.type.shape;
  const bool fits = p.size() == 1 ? param_fits(p, *b.type.shape, MatMulSide::kColumnsOfB)
                                  : param_fits(p, *a.type.shape, MatMulSide::kRowsOfA) ||
                                        param_fits(p, *b.type.shape, MatMulSide::kColumnsOfB);
  if (!fits) {
    const SymShape& as = *a.type.shape;
    const std::string rows = as.size() < 2 ? "?" : as[as.size() - 2].str();
    throw Error(std::string(what) + " has shape " + sym_shape_str(p) + "; expected one element, one per row of A " +
                sym_shape_str(as) + " (shape [..., " + rows + ", 1]; a 1-D scale is per column) or " +
                per_slice_text(*b.type.shape, MatMulSide::kColumnsOfB));
  }
}

void expect_matmul_bias(const ShapeInput& bias, const ShapeInput& b) {
  if (!bias.present) return;
  if (bias.type.dtype != DType::kUndefined && bias.type.dtype != DType::kFloat)
    throw Error("bias must be float, got " + dtype_name(bias.type.dtype));
  expect_rank(bias, 1, "bias");
  if (!bias.type.shape || !b.type.shape || b.type.shape->empty()) return;
  const SymShape& bs = *b.type.shape;
  expect_same_dim((*bias.type.shape)[0], bs.size() == 1 ? Dim::known(1) : bs.back(), "bias length vs B's columns");
}

void expect_zero_point_dtype(const ShapeInput& zero_point, DType dtype, const char* what, const char* operand) {
  if (!zero_point.present || zero_point.type.dtype == DType::kUndefined || dtype == DType::kUndefined) return;
  if (zero_point.type.dtype != dtype)
    throw Error(std::string(what) + " must have the dtype of " + operand + " (" + dtype_name(dtype) + "), got " +
                dtype_name(zero_point.type.dtype));
}

MatMulViews matmul_views(const Tensor& a, const Tensor& b) {
  MatMulViews v{a.rank() == 1 ? a.reshaped({1, a.dim(0)}) : a, b.rank() == 1 ? b.reshaped({b.dim(0), 1}) : b, {}};
  const Shape& as = v.a.shape();
  const Shape& bs = v.b.shape();
  const size_t rank = std::max(as.size(), bs.size());
  // Broadcast batch dims (ShapeFn already checked they broadcast).
  for (size_t i = 0; i + 2 < rank; ++i) {
    const auto dim_of = [&](const Shape& s) {
      const size_t lead = rank - s.size();
      return i < lead ? int64_t{1} : s[i - lead];
    };
    const int64_t da = dim_of(as), db = dim_of(bs);
    v.result.push_back(da == 1 ? db : da);
  }
  v.result.push_back(as[as.size() - 2]);
  v.result.push_back(bs.back());
  return v;
}

Shape param_view(const Shape& param, MatMulSide side) {
  if (side == MatMulSide::kRowsOfA && param.size() == 1 && param[0] != 1) return {param[0], 1};
  return param;
}

std::vector<int64_t> param_strides(const Tensor& param, MatMulSide side, const Shape& result) {
  if (param.numel() == 1) return std::vector<int64_t>(result.size(), 0);
  return broadcast_strides(param_view(param.shape(), side), result);
}

void dequantize_product(const Tensor& acc, const Tensor& a_scale, const Tensor& b_scale, const Tensor* bias,
                        Tensor& y) {
  const Shape& result = acc.shape();
  const std::vector<int64_t> strides[3] = {
      param_strides(a_scale, MatMulSide::kColumnsOfB, result), param_strides(b_scale, MatMulSide::kColumnsOfB, result),
      bias ? broadcast_strides(bias->shape(), result) : std::vector<int64_t>(result.size(), 0)};
  const int32_t* pacc = acc.data<int32_t>();
  const float* pa = a_scale.data<float>();
  const float* pb = b_scale.data<float>();
  const float* pbias = bias ? bias->data<float>() : nullptr;
  float* py = y.data<float>();
  for_each_broadcast(result, strides, [&](int64_t o, const int64_t* off) {
    const float v = static_cast<float>(pacc[o]) * (pa[off[0]] * pb[off[1]]);
    py[o] = pbias ? v + pbias[off[2]] : v;
  });
}

namespace {

// out = x - zero_point as int32, the zero point broadcast by param_view.
void subtract_zero_point(const Tensor& x, const Tensor* zero_point, MatMulSide side, Tensor& out) {
  dispatch_quantized(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (!zero_point || zero_point->numel() == 1) {
      const int32_t z = zero_point ? zero_point->data<T>()[0] : 0;
      unary_map<T, int32_t>(x, out, [z](T v) { return static_cast<int32_t>(v) - z; });
    } else {
      const Tensor view = zero_point->reshaped(param_view(zero_point->shape(), side));
      binary_map<T, T, int32_t>(x, view, out,
                                [](T v, T z) { return static_cast<int32_t>(v) - static_cast<int32_t>(z); });
    }
  });
}

Shape batch_of(const Shape& s) { return Shape(s.begin(), s.end() - 2); }

}  // namespace

void integer_product(const MatMulViews& views, const Tensor* a_zero_point, const Tensor* b_zero_point, Tensor& acc) {
  Tensor a(DType::kInt32, views.a.shape()), b(DType::kInt32, views.b.shape());
  subtract_zero_point(views.a, a_zero_point, MatMulSide::kRowsOfA, a);
  subtract_zero_point(views.b, b_zero_point, MatMulSide::kColumnsOfB, b);
  const Shape& r = views.result;
  const int64_t m = r[r.size() - 2], n = r.back(), k = a.shape().back();
  const Shape batch = batch_of(r);
  const std::vector<int64_t> strides[2] = {broadcast_strides(batch_of(a.shape()), batch),
                                           broadcast_strides(batch_of(b.shape()), batch)};
  const int32_t* pa = a.data<int32_t>();
  const int32_t* pb = b.data<int32_t>();
  int32_t* y = acc.data<int32_t>();
  // gemm<int32_t> accumulates modulo 2^32, the wrap ONNX allows.
  for_each_broadcast(batch, strides, [&](int64_t o, const int64_t* off) {
    gemm<int32_t>(false, false, m, n, k, 1, pa + off[0] * m * k, pb + off[1] * k * n, 0, y + o * m * n);
  });
}

}  // namespace xenc
