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

// For each batch b and head h, with Q_h, K_h, V_h the head's columns:
//   out[b, :, h * v_head : (h + 1) * v_head] = softmax(scale * Q_h K_h^T + key_bias[b]) V_h
// where key_bias ([B, L], broadcast over query positions) is added before the
// softmax and may be empty for no mask. out is contiguous [B, S, N * v_head].
template <class T>
void multi_head_attention(const AttentionShape& shape, RowsView<T> q, RowsView<T> k, RowsView<T> v,
                          std::span<const float> key_bias, double scale, T* out);

// The additive mask of ONNX Runtime's mask inputs, [batch, kv_len]: 0 for a
// key that is attended to, mask_filter_value for a masked one. `mask` is an
// int32 or int64 raw mask [batch, kv_len] (0 masks, anything else keeps) or
// key lengths [batch] (keys at and after the length are masked: right padding).
std::vector<float> key_mask_bias(const Tensor& mask, int64_t batch, int64_t kv_len, float mask_filter_value);

// ShapeFn check of such a mask input: int32 or int64, [batch] or [batch, kv_len].
void expect_key_mask(const ShapeInput& mask, const Dim& batch, const Dim& kv_len, const char* what);

}  // namespace xenc
