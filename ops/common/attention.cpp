#include "ops/common/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/common/gemm.h"
#include "ops/common/shape_checks.h"
#include "ops/common/shape_util.h"

namespace xenc {

namespace {

// Copies the columns [col, col + width) of the positions of batch b into a
// contiguous [positions, width] matrix.
template <class T>
void gather_head(RowsView<T> src, int64_t b, int64_t positions, int64_t col, int64_t width, T* dst) {
  for (int64_t t = 0; t < positions; ++t) {
    const T* row = src.data + (b * positions + t) * src.stride + col;
    std::copy(row, row + width, dst + t * width);
  }
}

// Numerically stable softmax of one row in place: the maximum is subtracted
// before exponentiating and the sum accumulates in double.
template <class T>
void softmax_row(T* x, int64_t n) {
  T max = -std::numeric_limits<T>::infinity();
  for (int64_t i = 0; i < n; ++i) max = std::max(max, x[i]);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = static_cast<T>(std::exp(static_cast<double>(x[i]) - max));
    sum += x[i];
  }
  for (int64_t i = 0; i < n; ++i) x[i] = static_cast<T>(x[i] / sum);
}

}  // namespace

template <class T>
void multi_head_attention(const AttentionShape& shape, RowsView<T> q, RowsView<T> k, RowsView<T> v,
                          std::span<const float> key_bias, AttentionBias attention_bias, double scale, T* out) {
  const int64_t S = shape.q_len, L = shape.kv_len, dk = shape.qk_head, dv = shape.v_head;
  const int64_t out_stride = shape.heads * dv;
  std::vector<T> qh(static_cast<size_t>(S * dk)), kh(static_cast<size_t>(L * dk)), vh(static_cast<size_t>(L * dv));
  std::vector<T> probs(static_cast<size_t>(S * L)), context(static_cast<size_t>(S * dv));
  for (int64_t b = 0; b < shape.batch; ++b) {
    for (int64_t h = 0; h < shape.heads; ++h) {
      gather_head(q, b, S, h * dk, dk, qh.data());
      gather_head(k, b, L, h * dk, dk, kh.data());
      gather_head(v, b, L, h * dv, dv, vh.data());
      gemm<T>(false, true, S, L, dk, static_cast<T>(scale), qh.data(), kh.data(), T(0), probs.data());
      for (int64_t s = 0; s < S; ++s) {
        T* row = probs.data() + s * L;
        if (!key_bias.empty())
          for (int64_t j = 0; j < L; ++j) row[j] += static_cast<T>(key_bias[static_cast<size_t>(b * L + j)]);
        if (attention_bias.data) {
          const float* terms = attention_bias.row(b, h, s);
          for (int64_t j = 0; j < L; ++j) row[j] += static_cast<T>(terms[j]);
        }
        softmax_row(row, L);
      }
      gemm<T>(false, false, S, dv, L, T(1), probs.data(), vh.data(), T(0), context.data());
      for (int64_t s = 0; s < S; ++s)
        std::copy(context.begin() + s * dv, context.begin() + (s + 1) * dv, out + (b * S + s) * out_stride + h * dv);
    }
  }
}

template void multi_head_attention<float>(const AttentionShape&, RowsView<float>, RowsView<float>, RowsView<float>,
                                          std::span<const float>, AttentionBias, double, float*);
template void multi_head_attention<double>(const AttentionShape&, RowsView<double>, RowsView<double>,
                                           RowsView<double>, std::span<const float>, AttentionBias, double, double*);

AttentionBias attention_bias_of(const Tensor* bias) {
  if (!bias) return {};
  const int64_t L = bias->dim(3), S = bias->dim(2), N = bias->dim(1);
  const auto stride = [](int64_t dim, int64_t step) { return dim == 1 ? 0 : step; };
  return {bias->data<float>(), stride(bias->dim(0), N * S * L), stride(N, S * L), stride(S, L)};
}

void expect_attention_bias(const ShapeInput& bias, const Dim& batch, int64_t heads, const Dim& q_len,
                           const Dim& kv_len) {
  expect_dtype(bias, {DType::kFloat}, "attention_bias");
  expect_rank(bias, 4, "attention_bias");
  if (!bias.type.shape) return;
  const SymShape& s = *bias.type.shape;
  const Dim full[3] = {batch, Dim::known(heads), q_len};
  const char* names[3] = {"batch size", "num_heads", "query length"};
  for (size_t i = 0; i < 3; ++i)
    if (!(s[i].is_known() && s[i].value == 1))
      expect_same_dim(s[i], full[i],
                      ("attention_bias dim " + std::to_string(i) + " is neither 1 nor the " + names[i]).c_str());
  expect_same_dim(s[3], kv_len, "attention_bias's last dim differs from the key sequence length");
}

std::vector<float> key_mask_bias(const Tensor& mask, int64_t batch, int64_t kv_len, float mask_filter_value) {
  std::vector<float> bias(static_cast<size_t>(batch * kv_len), 0.0f);
  for (int64_t b = 0; b < batch; ++b) {
    float* row = bias.data() + b * kv_len;
    if (mask.rank() == 2) {
      for (int64_t j = 0; j < kv_len; ++j)
        if (mask.int_at(b * kv_len + j) == 0) row[j] = mask_filter_value;
    } else {
      const int64_t length = std::clamp<int64_t>(mask.int_at(b), 0, kv_len);
      std::fill(row + length, row + kv_len, mask_filter_value);
    }
  }
  return bias;
}

void expect_key_mask(const ShapeInput& mask, const Dim& batch, const Dim& kv_len, const char* what) {
  expect_dtype(mask, {DType::kInt32, DType::kInt64}, what);
  if (!mask.type.shape) return;
  const SymShape& s = *mask.type.shape;
  if (s.size() != 1 && s.size() != 2)
    throw Error(std::string(what) + " must be [batch] key lengths or a [batch, kv_sequence_length] mask, got shape " +
                sym_shape_str(s));
  if (s.size() == 1 && s[0].is_known() && batch.is_known() && s[0].value != batch.value)
    throw Error(std::string(what) + " has " + std::to_string(s[0].value) + " elements; only [batch] key lengths (" +
                std::to_string(batch.value) + ") are supported, not the left-padding or packed forms");
  expect_same_dim(s[0], batch, (std::string(what) + " batch size differs from the query's").c_str());
  if (s.size() == 2)
    expect_same_dim(s[1], kv_len, (std::string(what) + " length differs from the key sequence length").c_str());
}

AttentionShape multi_head_attention_shape(const Node& node, const Tensor& query, const Tensor& key,
                                          const Tensor& value) {
  AttentionShape shape;
  shape.batch = query.dim(0);
  shape.q_len = query.dim(1);
  shape.kv_len = key.dim(1);
  shape.heads = node.attr_int("num_heads", 0);
  shape.qk_head = query.dim(2) / shape.heads;
  shape.v_head = value.dim(2) / shape.heads;
  return shape;
}

}  // namespace xenc
