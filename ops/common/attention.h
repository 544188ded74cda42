// Multi-head scaled dot-product attention over projected Q, K and V, the
// rule shared by ONNX Runtime's Attention and MultiHeadAttention contrib
// ops, and the additive key mask both build from their mask inputs.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "graph/op_schema.h"

namespace xenc {

struct AttentionShape {
  int64_t batch = 0;    // B
  int64_t q_len = 0;    // S, query positions
  int64_t kv_len = 0;   // L, key and value positions
  int64_t heads = 0;    // N
  int64_t qk_head = 0;  // head size of Q and K
  int64_t v_head = 0;   // head size of V
};

// MultiHeadAttention's shape: query [B, S, D], key [B, L, D], value [B, L, Dv]
// and the node's num_heads (validated by its ShapeFn).
AttentionShape multi_head_attention_shape(const Node& node, const Tensor& query, const Tensor& key,
                                          const Tensor& value);

// A [batch, positions, heads * head_size] activation whose rows lie `stride`
// elements apart: element (b, t, c) is data[(b * positions + t) * stride + c].
// Rows of a packed QKV tensor hold all three, so Q, K and V are views into it.
template <class T>
struct RowsView {
  const T* data;
  int64_t stride;
};

// MultiHeadAttention's attention_bias: float [B or 1, N or 1, S or 1, L],
// added to the scaled scores; the terms of (batch b, head h, query s) start
// at row(b, h, s) (a stride is 0 along a dim of 1). Empty: no such input.
struct AttentionBias {
  const float* data = nullptr;
  int64_t batch_stride = 0, head_stride = 0, query_stride = 0;
  const float* row(int64_t b, int64_t h, int64_t s) const {
    return data + b * batch_stride + h * head_stride + s * query_stride;
  }
};

// The strides of an attention_bias tensor (validated by expect_attention_bias) or {} for none.
AttentionBias attention_bias_of(const Tensor* bias);

// ShapeFn check of attention_bias: float, rank 4, each dim 1 or the one it
// stands for ([batch, heads, q_len, kv_len]), the last one kv_len.
void expect_attention_bias(const ShapeInput& bias, const Dim& batch, int64_t heads, const Dim& q_len,
                           const Dim& kv_len);

// For each batch b and head h, with Q_h, K_h, V_h the head's columns:
//   out[b, :, h * v_head : (h + 1) * v_head] = softmax(scale * Q_h K_h^T + key_bias[b] + bias) V_h
// where key_bias ([B, L], broadcast over query positions; may be empty for no
// mask) and attention_bias's terms are added before the softmax. out is
// contiguous [B, S, N * v_head].
template <class T>
void multi_head_attention(const AttentionShape& shape, RowsView<T> q, RowsView<T> k, RowsView<T> v,
                          std::span<const float> key_bias, AttentionBias attention_bias, double scale, T* out);

// The additive mask of ONNX Runtime's mask inputs, [batch, kv_len]: 0 for a
// key that is attended to, mask_filter_value for a masked one. `mask` is an
// int32 or int64 raw mask [batch, kv_len] (0 masks, anything else keeps) or
// key lengths [batch] (keys at and after the length are masked: right padding).
std::vector<float> key_mask_bias(const Tensor& mask, int64_t batch, int64_t kv_len, float mask_filter_value);

// ShapeFn check of such a mask input: int32 or int64, [batch] or [batch, kv_len].
void expect_key_mask(const ShapeInput& mask, const Dim& batch, const Dim& kv_len, const char* what);

}  // namespace xenc
