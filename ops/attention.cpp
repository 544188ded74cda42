// Attention (com.microsoft, ONNX Runtime contrib op), the BERT self-attention
// with the Q, K and V projections packed into one weight:
//   input [B, S, Hin], weights [Hin, H + H + Hv], bias [H + H + Hv] (optional),
//   mask_index (optional, int32 or int64): absent, [B] key lengths (right padding)
//   or a raw [B, S] mask with 0 = padding
//   output [B, S, Hv] = per head h of num_heads, with QKV = input x weights + bias:
//     softmax(scale * Q_h K_h^T + mask) V_h, scale = 1 / sqrt(H / num_heads) by default,
//     mask = mask_filter_value (default -10000) at padding keys, added (not substituted).
// qkv_hidden_sizes gives H, H and Hv when V differs (default: a third each).
// Past/present state, attention_bias, the other mask layouts, unidirectional
// (causal) attention and rotary embeddings are refused.
#include <cmath>

#include "ops/common/attention.h"
#include "ops/common/dispatch.h"
#include "ops/common/elementwise.h"
#include "ops/common/gemm.h"
#include "ops/common/shape_checks.h"
#include "ops/common/shape_util.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

enum Input { kInput, kWeights, kBias, kMaskIndex };
constexpr float kDefaultMaskFilterValue = -10000.0f;

int64_t num_heads(const Node& node) {
  const int64_t heads = node.attr_int("num_heads", 0);
  if (heads <= 0) throw Error("attribute num_heads must be positive, got " + std::to_string(heads));
  return heads;
}

// Hidden sizes of Q, K and V, from qkv_hidden_sizes or as thirds of the
// packed width (unknown: nullopt).
struct QkvSizes {
  int64_t qk, v;
};
std::optional<QkvSizes> qkv_sizes(const Node& node, const Dim& packed_width) {
  const std::vector<int64_t> sizes = node.attr_ints("qkv_hidden_sizes");
  if (!sizes.empty()) {
    if (sizes.size() != 3 || sizes[0] != sizes[1] || sizes[0] <= 0 || sizes[2] <= 0)
      throw Error("qkv_hidden_sizes must be three positive sizes with Q and K equal");
    if (packed_width.is_known() && packed_width.value != sizes[0] + sizes[1] + sizes[2])
      throw Error("weights have " + std::to_string(packed_width.value) + " columns, qkv_hidden_sizes add up to " +
                  std::to_string(sizes[0] + sizes[1] + sizes[2]));
    return QkvSizes{sizes[0], sizes[2]};
  }
  if (!packed_width.is_known()) return std::nullopt;
  if (packed_width.value % 3 != 0)
    throw Error("weights have " + std::to_string(packed_width.value) + " columns, not 3 equal Q, K, V blocks");
  return QkvSizes{packed_width.value / 3, packed_width.value / 3};
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  const int64_t heads = num_heads(node);
  for (size_t i = kMaskIndex + 1; i < inputs.size(); ++i)
    if (inputs[i].present)
      throw Error("input " + std::to_string(i) +
                  " (past state, attention_bias or past_sequence_length) is not supported");
  for (size_t i = 1; i < node.outputs.size(); ++i)
    if (node.has_output(i)) throw Error("the present output is not supported");
  for (const char* attr : {"unidirectional", "do_rotary", "past_present_share_buffer"})
    if (node.attr_int(attr, 0) != 0) throw Error(std::string("attribute ") + attr + " is not supported");
  const ShapeInput& input = required_input(inputs, kInput, "input");
  const ShapeInput& weights = required_input(inputs, kWeights, "weights");
  const DType dtype = common_dtype(inputs.first(std::min<size_t>(inputs.size(), kBias + 1)), kFloatTypes);
  expect_rank(input, 3, "input");
  expect_rank(weights, 2, "weights");
  const SymShape x = input.type.shape.value_or(unknown_dims(3));
  const SymShape w = weights.type.shape.value_or(unknown_dims(2));
  expect_same_dim(x[2], w[0], "input hidden size differs from the weights' rows");
  const std::optional<QkvSizes> sizes = qkv_sizes(node, w[1]);
  if (sizes)
    for (const int64_t size : {sizes->qk, sizes->v})
      if (size % heads != 0)
        throw Error("hidden size " + std::to_string(size) + " is not a multiple of num_heads " + std::to_string(heads));
  if (inputs.size() > kBias && inputs[kBias].present) {
    expect_rank(inputs[kBias], 1, "bias");
    if (inputs[kBias].type.shape) expect_same_dim((*inputs[kBias].type.shape)[0], w[1], "bias length differs from the weights' columns");
  }
  if (inputs.size() > kMaskIndex && inputs[kMaskIndex].present)
    expect_key_mask(inputs[kMaskIndex], x[0], x[1], "mask_index");
  std::vector<ValueType> out(node.outputs.size(), ValueType{dtype, std::nullopt});
  out[0].shape = SymShape{x[0], x[1], sizes ? Dim::known(sizes->v) : Dim::unknown()};
  return out;
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& input = *in[kInput];
  const Tensor& weights = *in[kWeights];
  const Tensor* bias = in.size() > kBias ? in[kBias] : nullptr;
  const Tensor* mask = in.size() > kMaskIndex ? in[kMaskIndex] : nullptr;
  const QkvSizes sizes = *qkv_sizes(node, Dim::known(weights.dim(1)));
  AttentionShape shape;
  shape.batch = input.dim(0);
  shape.q_len = shape.kv_len = input.dim(1);
  shape.heads = num_heads(node);
  shape.qk_head = sizes.qk / shape.heads;
  shape.v_head = sizes.v / shape.heads;
  const double scale = node.attr_float("scale", static_cast<float>(1.0 / std::sqrt(static_cast<double>(shape.qk_head))));
  const std::vector<float> key_bias =
      mask ? key_mask_bias(*mask, shape.batch, shape.kv_len, node.attr_float("mask_filter_value", kDefaultMaskFilterValue))
           : std::vector<float>();
  const int64_t rows = shape.batch * shape.q_len;
  const int64_t packed = weights.dim(1);
  dispatch_float(input.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    // QKV [B * S, H + H + Hv] = input x weights + bias.
    std::vector<T> qkv(static_cast<size_t>(rows * packed), T(0));
    if (bias)
      for (int64_t r = 0; r < rows; ++r) std::copy(bias->data<T>(), bias->data<T>() + packed, qkv.begin() + r * packed);
    gemm<T>(false, false, rows, packed, input.dim(2), T(1), input.data<T>(), weights.data<T>(), bias ? T(1) : T(0),
            qkv.data());
    multi_head_attention<T>(shape, {qkv.data(), packed}, {qkv.data() + sizes.qk, packed},
                            {qkv.data() + 2 * sizes.qk, packed}, key_bias, {}, scale, out[0]->data<T>());
  });
}

}  // namespace

extern const OpSchema kAttentionOp{"com.microsoft", "Attention", 1, infer, run, fast_or_reference<fast_attention, run>};

}  // namespace xenc
