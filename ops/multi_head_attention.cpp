// MultiHeadAttention (com.microsoft, ONNX Runtime contrib op), the self or
// cross attention of already projected inputs:
//   query [B, S, D], key [B, L, D], value [B, L, Dv], bias [D + D + Dv] (optional,
//   added to query, key and value), key_padding_mask (optional, int32 or int64:
//   [B, L] with 0 = padding, or [B] key lengths), attention_bias (optional,
//   float [B or 1, N or 1, S or 1, L])
//   output [B, S, Dv] = per head h of num_heads:
//     softmax(scale * Q_h K_h^T + mask + attention_bias) V_h, scale = 1 / sqrt(D / num_heads) by
//     default, mask = mask_filter_value (default -10000) at padding keys, added (not substituted).
// The packed QKV/KV layouts, past/present state, the qk output and
// unidirectional (causal) attention are refused.
#include <cmath>

#include "ops/common/attention.h"
#include "ops/common/dispatch.h"
#include "ops/common/elementwise.h"
#include "ops/common/shape_checks.h"
#include "ops/common/shape_util.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

enum Input { kQuery, kKey, kValue, kBias, kKeyPaddingMask, kAttentionBias };
constexpr float kDefaultMaskFilterValue = -10000.0f;

int64_t num_heads(const Node& node) {
  const int64_t heads = node.attr_int("num_heads", 0);
  if (heads <= 0) throw Error("attribute num_heads must be positive, got " + std::to_string(heads));
  return heads;
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  const int64_t heads = num_heads(node);
  for (size_t i = kAttentionBias + 1; i < inputs.size(); ++i)
    if (inputs[i].present)
      throw Error("input " + std::to_string(i) +
                  " (past state or cache) is not supported; only query, key, value, bias, key_padding_mask and "
                  "attention_bias are");
  for (size_t i = 1; i < node.outputs.size(); ++i)
    if (node.has_output(i)) throw Error("only the first output is supported (no present state or qk)");
  if (node.attr_int("unidirectional", 0) != 0) throw Error("unidirectional attention is not supported");
  const ShapeInput& query = required_input(inputs, kQuery, "query");
  if (inputs.size() <= kValue || !inputs[kKey].present || !inputs[kValue].present)
    throw Error("key and value are required (the packed QKV layout is not supported)");
  const ShapeInput& key = inputs[kKey];
  const ShapeInput& value = inputs[kValue];
  const DType dtype = common_dtype(inputs.first(std::min<size_t>(inputs.size(), kBias + 1)), kFloatTypes);
  expect_rank(query, 3, "query");
  expect_rank(key, 3, "key (the past-key layout is not supported)");
  expect_rank(value, 3, "value");

  std::vector<ValueType> out(node.outputs.size(), ValueType{dtype, std::nullopt});
  const SymShape q = query.type.shape.value_or(unknown_dims(3));
  const SymShape k = key.type.shape.value_or(unknown_dims(3));
  const SymShape v = value.type.shape.value_or(unknown_dims(3));
  expect_same_dim(q[0], k[0], "query and key batch sizes differ");
  expect_same_dim(q[0], v[0], "query and value batch sizes differ");
  expect_same_dim(k[1], v[1], "key and value sequence lengths differ");
  expect_same_dim(q[2], k[2], "query and key hidden sizes differ");
  for (const auto& [dim, what] : {std::pair{q[2], "query hidden size"}, std::pair{v[2], "value hidden size"}})
    if (dim.is_known() && dim.value % heads != 0)
      throw Error(std::string(what) + " " + std::to_string(dim.value) + " is not a multiple of num_heads " +
                  std::to_string(heads));
  if (inputs.size() > kBias && inputs[kBias].present) {
    expect_rank(inputs[kBias], 1, "bias");
    if (inputs[kBias].type.shape && q[2].is_known() && v[2].is_known())
      expect_same_dim((*inputs[kBias].type.shape)[0], Dim::known(2 * q[2].value + v[2].value),
                      "bias length differs from hidden + hidden + v_hidden");
  }
  if (inputs.size() > kKeyPaddingMask && inputs[kKeyPaddingMask].present)
    expect_key_mask(inputs[kKeyPaddingMask], q[0], k[1], "key_padding_mask");
  if (inputs.size() > kAttentionBias && inputs[kAttentionBias].present)
    expect_attention_bias(inputs[kAttentionBias], q[0], heads, q[1], k[1]);
  out[0].shape = SymShape{q[0], q[1], v[2]};
  return out;
}

// The input plus its slice of the projection bias (a copy), or the input itself.
template <class T>
Tensor with_bias(const Tensor& x, const Tensor* bias, int64_t offset) {
  if (!bias) return x;
  Tensor sum(x.dtype(), x.shape());
  const int64_t width = x.shape().back();
  const T* b = bias->data<T>() + offset;
  const T* src = x.data<T>();
  T* dst = sum.data<T>();
  for (int64_t i = 0; i < x.numel(); ++i) dst[i] = static_cast<T>(src[i] + b[i % width]);
  return sum;
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& query = *in[kQuery];
  const Tensor& key = *in[kKey];
  const Tensor& value = *in[kValue];
  const Tensor* bias = in.size() > kBias ? in[kBias] : nullptr;
  const Tensor* mask = in.size() > kKeyPaddingMask ? in[kKeyPaddingMask] : nullptr;
  const Tensor* attention_bias = in.size() > kAttentionBias ? in[kAttentionBias] : nullptr;
  const AttentionShape shape = multi_head_attention_shape(node, query, key, value);
  const double scale = node.attr_float("scale", static_cast<float>(1.0 / std::sqrt(static_cast<double>(shape.qk_head))));
  const std::vector<float> key_bias =
      mask ? key_mask_bias(*mask, shape.batch, shape.kv_len, node.attr_float("mask_filter_value", kDefaultMaskFilterValue))
           : std::vector<float>();
  dispatch_float(query.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const Tensor q = with_bias<T>(query, bias, 0);
    const Tensor k = with_bias<T>(key, bias, query.dim(2));
    const Tensor v = with_bias<T>(value, bias, 2 * query.dim(2));
    multi_head_attention<T>(shape, {q.data<T>(), query.dim(2)}, {k.data<T>(), key.dim(2)}, {v.data<T>(), value.dim(2)},
                            key_bias, attention_bias_of(attention_bias), scale, out[0]->data<T>());
  });
}

}  // namespace

extern const OpSchema kMultiHeadAttentionOp{"com.microsoft", "MultiHeadAttention", 1, infer, run,
                                            fast_or_reference<fast_multi_head_attention, run>};

}  // namespace xenc
