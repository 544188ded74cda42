// Float MultiHeadAttention and Attention (com.microsoft): one oneTBB task per
// (batch, head), or per batch row when bf16 products have a row for every
// thread. A head's scores S x L = Q_h K_h^T come from a packed GEMM kernel
// (K_h^T and V_h packed into its thread's scratch: the products are too
// small for a BLAS call's overheads) into that scratch (no [B, heads, S, L]
// tensor); one softmax row kernel scales them and adds the key mask and the
// key term of the projection biases on the way; the weights multiply V_h
// straight into the output columns of the head. The two products run on
// float operands, or on bf16 ones (packed_bgemm.h, sums in float) when the
// node's kAttentionProductPrecision attribute says so: sessions of bf16 and
// int8 precision set it (ops/fast/weight_packing.h).
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ops/common/attention.h"
#include "ops/fast/fast_kernels.h"
#include "ops/fast/parallel.h"
#include "ops/fast/sgemm.h"
#include "ops/fast/weight_packing.h"
#include "ops/x86/f32_row_kernels.h"
#include "ops/x86/packed_bgemm.h"
#include "ops/x86/packed_sgemm.h"

namespace xenc {
namespace {

// ONNX Runtime's defaults for both ops.
constexpr float kDefaultMaskFilterValue = -10000.0f;

// The parts of the Q, K, V projection biases attention depends on (each
// covering all heads, or nullptr): the key bias cancels out (attention_f32).
struct QkvBias {
  const float* q = nullptr;
  const float* v = nullptr;
};

// A mask value at or below this removes its key from the softmax exactly:
// exp(-10000 + any realistic score difference) is 0 in float.
constexpr float kVanishingMask = -10000.0f;

// The keys a batch row attends to, when they are a prefix: with right
// padding (mask 0 on a prefix, vanishing values after it), the padded keys
// contribute exact zeros, so only the prefix is computed. L otherwise
// (including a row masked entirely, whose softmax is over all keys).
int64_t attended_prefix(const float* mask, int64_t kv_len) {
  int64_t prefix = 0;
  while (prefix < kv_len && mask[prefix] == 0.0f) ++prefix;
  if (prefix == 0) return kv_len;
  for (int64_t j = prefix; j < kv_len; ++j)
    if (!(mask[j] <= kVanishingMask)) return kv_len;
  return prefix;
}

// Per thread, reused by every run so that a run allocates nothing once the
// largest shape has been seen; holds S x L + 2 L floats, the packed K_h^T
// and V_h, and for bf16 products the rounded Q, K and V (of one head, or
// of every head of one batch row), the rounded weights and each row's
// 1 / sum. A task waits on nothing, so a thread never runs two tasks over
// it at once.
struct HeadScratch {
  std::vector<float> scores, key_terms, row_terms, mask, packed_keys, packed_values, inv_sums;
  std::vector<uint16_t> rounded_q, rounded_k, rounded_v, rounded_scores, packed_bf16;
};
thread_local HeadScratch head_scratch;

// A head's rows of Q, K or V rounded to bf16: row r at data + r * stride.
struct Bf16Rows {
  const uint16_t* data = nullptr;
  int64_t stride = 0;
};

// One head's operands: Q_h (S rows), K_h and V_h (the attended keys' rows),
// as floats, and for bf16 products also rounded.
struct HeadOperands {
  RowsView<float> q, k, v;
  int64_t queries, keys, qk_head, v_head;
  bool bf16;  // bf16 products
  Bf16Rows q16, k16, v16;
};

// rows x width floats, `stride` apart, rounded to bf16 into `out`
// (contiguous: one conversion when the rows are).
Bf16Rows round_rows(const float* rows, int64_t stride, int64_t count, int64_t width, std::vector<uint16_t>& out) {
  out.resize(static_cast<size_t>(count * width));
  if (stride == width) {
    convert_to_bf16(rows, out.data(), static_cast<size_t>(count * width));
  } else {
    for (int64_t r = 0; r < count; ++r)
      convert_to_bf16(rows + r * stride, out.data() + r * width, static_cast<size_t>(width));
  }
  return {out.data(), width};
}

// scores (queries x keys, contiguous) = Q_h K_h^T.
void head_scores(const HeadOperands& h, HeadScratch& local, float* scores) {
  if (!h.bf16) {
    local.packed_keys.resize(static_cast<size_t>(packed_panel_count(h.keys) * h.qk_head * kPackedPanelWidth));
    pack_sgemm_panels(h.k.data, 1, h.k.stride, h.qk_head, h.keys, local.packed_keys.data());
    packed_sgemm_kernel()({h.q.data, h.q.stride, local.packed_keys.data(), h.qk_head, h.keys, scores, h.keys,
                           h.queries, 0, packed_panel_count(h.keys)});
    return;
  }
  local.packed_bf16.resize(static_cast<size_t>(bgemm_packed_elements(h.qk_head, h.keys)));
  pack_bgemm_transposed(h.k16.data, h.k16.stride, h.qk_head, h.keys, local.packed_bf16.data());
  packed_bgemm_kernel()({h.q16.data, h.q16.stride, local.packed_bf16.data(), h.qk_head, h.keys, scores, h.keys,
                         h.queries, 0, bgemm_panel_count(h.keys)});
}

// out (queries x v_head, out_stride apart) = P V_h, P the queries x keys
// softmax weights (for bf16 products, before their normalization: the
// caller divides by the sums).
void head_weighted_values(const HeadOperands& h, HeadScratch& local, const float* weights, float* out,
                          int64_t out_stride) {
  if (!h.bf16) {
    local.packed_values.resize(static_cast<size_t>(packed_panel_count(h.v_head) * h.keys * kPackedPanelWidth));
    pack_sgemm_panels(h.v.data, h.v.stride, 1, h.keys, h.v_head, local.packed_values.data());
    packed_sgemm_kernel()({weights, h.keys, local.packed_values.data(), h.keys, h.v_head, out, out_stride, h.queries,
                           0, packed_panel_count(h.v_head)});
    return;
  }
  local.packed_bf16.resize(static_cast<size_t>(bgemm_packed_elements(h.keys, h.v_head)));
  pack_bgemm_rows(h.v16.data, h.v16.stride, h.keys, h.v_head, local.packed_bf16.data());
  const Bf16Rows rounded = round_rows(weights, h.keys, h.queries, h.keys, local.rounded_scores);
  packed_bgemm_kernel()({rounded.data, h.keys, local.packed_bf16.data(), h.keys, h.v_head, out, out_stride, h.queries,
                         0, bgemm_panel_count(h.v_head)});
}

// Row b of the additive key mask of ops/common/attention.h (key_mask_bias)
// without building the others: 0 for an attended key, `filter` for a masked
// one, from a raw [B, L] mask (0 masks) or [B] key lengths.
void key_mask_row(const Tensor& mask, int64_t b, int64_t kv_len, float filter, float* row) {
  if (mask.rank() == 2) {
    for (int64_t j = 0; j < kv_len; ++j) row[j] = mask.int_at(b * kv_len + j) == 0 ? filter : 0.0f;
    return;
  }
  const int64_t length = std::clamp<int64_t>(mask.int_at(b), 0, kv_len);
  std::fill(row, row + length, 0.0f);
  std::fill(row + length, row + kv_len, filter);
}

// A key mask input and its filter value.
struct KeyMask {
  const Tensor* mask = nullptr;
  float filter = 0;
};

// With projection biases, Q' = Q + 1 bq^T (a bias row added to every
// position), likewise K' and V', and for one head
//   Q' K'^T = Q K^T + (Q bk) 1^T + 1 (K bq)^T + (bq . bk) 1 1^T.
// The second and fourth terms are constant along each row of scores, which
// softmax ignores, so only the key term K bq (one value per key) is added
// and the key bias bk drops out.
// And since each row of P = softmax(...) sums to 1, P V' = P V + 1 bv^T:
// the value bias is added to the output. No biased copy of Q, K or V is made.
// attention_bias adds its own terms to each row; it keeps every key (no
// prefix cut: its terms may differ from row to row).
void attention_f32(const AttentionShape& shape, RowsView<float> q, RowsView<float> k, RowsView<float> v,
                   QkvBias bias, KeyMask key_mask, AttentionBias attention_bias, float scale, bool bf16, float* out) {
  const int64_t S = shape.q_len, L = shape.kv_len, dk = shape.qk_head, dv = shape.v_head;
  const int64_t out_stride = shape.heads * dv;
  const auto softmax = f32_row_kernels().softmax;
  // Head h of batch row b; for bf16 products, `batch` holds the batch row's
  // Q, K and V already rounded (all heads), or nothing (rounded here).
  const auto head = [&](HeadScratch& local, int64_t b, int64_t h, const HeadOperands* batch) {
    const float* mask = nullptr;
    if (key_mask.mask) {
      local.mask.resize(static_cast<size_t>(L));
      key_mask_row(*key_mask.mask, b, L, key_mask.filter, local.mask.data());
      mask = local.mask.data();
    }
    const int64_t keys = mask && !attention_bias.data ? attended_prefix(mask, L) : L;
    float* oh = out + b * S * out_stride + h * dv;
    if (keys == 0) {  // no keys at all: an empty sum
      for (int64_t s = 0; s < S; ++s) std::fill(oh + s * out_stride, oh + s * out_stride + dv, 0.0f);
      return;
    }
    const float* qh = q.data + b * S * q.stride + h * dk;
    const float* kh = k.data + b * L * k.stride + h * dk;
    const float* vh = v.data + b * L * v.stride + h * dv;
    HeadOperands operands{{qh, q.stride}, {kh, k.stride}, {vh, v.stride}, S, keys, dk, dv, bf16, {}, {}, {}};
    if (batch) {
      operands.q16 = {batch->q16.data + h * dk, batch->q16.stride};
      operands.k16 = {batch->k16.data + h * dk, batch->k16.stride};
      operands.v16 = {batch->v16.data + h * dv, batch->v16.stride};
    } else if (bf16) {
      operands.q16 = round_rows(qh, q.stride, S, dk, local.rounded_q);
      operands.k16 = round_rows(kh, k.stride, keys, dk, local.rounded_k);
      operands.v16 = round_rows(vh, v.stride, keys, dv, local.rounded_v);
    }
    local.scores.resize(static_cast<size_t>(S * keys));
    float* scores = local.scores.data();
    head_scores(operands, local, scores);
    // The additive terms of each row of scores: the key term of the
    // projection biases and the mask (when not cut off by the prefix).
    const float* added_mask = mask && keys == L ? mask : nullptr;
    const float* additive = added_mask;
    if (bias.q) {
      local.key_terms.resize(static_cast<size_t>(keys));
      const float* bq = bias.q + h * dk;
      for (int64_t j = 0; j < keys; ++j) {
        float sum = 0;
        for (int64_t c = 0; c < dk; ++c) sum += kh[j * k.stride + c] * bq[c];
        local.key_terms[static_cast<size_t>(j)] = scale * sum + (added_mask ? added_mask[j] : 0.0f);
      }
      additive = local.key_terms.data();
    }
    SoftmaxRow row;
    row.scale = scale;
    row.bias = additive;
    row.n = static_cast<size_t>(keys);
    // bf16 products take the weights before normalization (rounded to
    // bf16 in one block), and each output row is divided by its sum after
    // the product.
    row.normalize = !bf16;
    if (bf16) local.inv_sums.resize(static_cast<size_t>(S));
    if (attention_bias.data) local.row_terms.resize(static_cast<size_t>(L));
    for (int64_t s = 0; s < S; ++s) {
      row.x = row.y = scores + s * keys;
      if (attention_bias.data) {  // this row's terms: the shared ones plus the bias's
        const float* terms = attention_bias.row(b, h, s);
        float* sum = local.row_terms.data();
        for (int64_t j = 0; j < L; ++j) sum[j] = terms[j] + (additive ? additive[j] : 0.0f);
        row.bias = sum;
      }
      const float inv_sum = softmax(row);
      if (bf16) local.inv_sums[static_cast<size_t>(s)] = inv_sum;
    }
    head_weighted_values(operands, local, scores, oh, out_stride);
    if (bf16 || bias.v)
      for (int64_t s = 0; s < S; ++s) {
        float* out_row = oh + s * out_stride;
        if (bf16)
          for (int64_t c = 0; c < dv; ++c) out_row[c] *= local.inv_sums[static_cast<size_t>(s)];
        if (bias.v)
          for (int64_t c = 0; c < dv; ++c) out_row[c] += bias.v[h * dv + c];
      }
  };
  const int64_t head_work = S * L * (dk + dv);
  // With enough batch rows for every thread, bf16 tasks take whole batch
  // rows and round each row's Q, K and V for all heads at once (a few long
  // conversions instead of three short ones per head and row).
  if (bf16 && shape.batch >= 2 * tbb::this_task_arena::max_concurrency()) {
    parallel_chunks(shape.batch, head_work * shape.heads, [&](int64_t begin, int64_t end) {
      HeadScratch& local = head_scratch;
      for (int64_t b = begin; b < end; ++b) {
        HeadOperands batch{};
        batch.q16 = round_rows(q.data + b * S * q.stride, q.stride, S, shape.heads * dk, local.rounded_q);
        batch.k16 = round_rows(k.data + b * L * k.stride, k.stride, L, shape.heads * dk, local.rounded_k);
        batch.v16 = round_rows(v.data + b * L * v.stride, v.stride, L, shape.heads * dv, local.rounded_v);
        for (int64_t h = 0; h < shape.heads; ++h) head(local, b, h, &batch);
      }
    });
    return;
  }
  parallel_chunks(shape.batch * shape.heads, head_work, [&](int64_t begin, int64_t end) {
    HeadScratch& local = head_scratch;
    for (int64_t task = begin; task < end; ++task) head(local, task / shape.heads, task % shape.heads, nullptr);
  });
}

int64_t num_heads(const Node& node) { return node.attr_int("num_heads", 0); }

float attention_scale(const Node& node, int64_t qk_head) {
  return node.attr_float("scale", static_cast<float>(1.0 / std::sqrt(static_cast<double>(qk_head))));
}

bool bf16_products(const Node& node) {
  static const std::string kProductPrecision = kAttentionProductPrecision;
  const Attribute* precision = node.find_attr(kProductPrecision);
  return precision && precision->s == "bf16";
}

KeyMask key_mask_of(const Node& node, const Tensor* mask) {
  // A named string, not a temporary: the name is too long for the small
  // string buffer, and a run should not allocate.
  static const std::string kMaskFilterValue = "mask_filter_value";
  return {mask, node.attr_float(kMaskFilterValue, kDefaultMaskFilterValue)};
}

}  // namespace

bool fast_multi_head_attention(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  enum Input { kQuery, kKey, kValue, kBias, kKeyPaddingMask, kAttentionBias };
  const Tensor& query = *in[kQuery];
  const Tensor& key = *in[kKey];
  const Tensor& value = *in[kValue];
  if (query.dtype() != DType::kFloat) return false;
  const Tensor* bias = in.size() > kBias ? in[kBias] : nullptr;
  const Tensor* mask = in.size() > kKeyPaddingMask ? in[kKeyPaddingMask] : nullptr;
  const Tensor* attention_bias = in.size() > kAttentionBias ? in[kAttentionBias] : nullptr;
  const AttentionShape shape = multi_head_attention_shape(node, query, key, value);
  QkvBias qkv_bias;
  if (bias) {
    qkv_bias.q = bias->data<float>();
    qkv_bias.v = qkv_bias.q + query.dim(2) + key.dim(2);
  }
  attention_f32(shape, {query.data<float>(), query.dim(2)}, {key.data<float>(), key.dim(2)},
                {value.data<float>(), value.dim(2)}, qkv_bias, key_mask_of(node, mask),
                attention_bias_of(attention_bias), attention_scale(node, shape.qk_head), bf16_products(node),
                out[0]->data<float>());
  return true;
}

bool fast_attention(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  enum Input { kInput, kWeights, kBias, kMaskIndex };
  const Tensor& input = *in[kInput];
  const Tensor& weights = *in[kWeights];
  if (input.dtype() != DType::kFloat) return false;
  const Tensor* bias = in.size() > kBias ? in[kBias] : nullptr;
  const Tensor* mask = in.size() > kMaskIndex ? in[kMaskIndex] : nullptr;
  const int64_t packed = weights.dim(1);
  // Q, K and V widths: qkv_hidden_sizes (validated by the ShapeFn) or thirds.
  const std::vector<int64_t> sizes = node.attr_ints("qkv_hidden_sizes");
  const int64_t qk_width = sizes.empty() ? packed / 3 : sizes[0];
  const int64_t v_width = sizes.empty() ? packed / 3 : sizes[2];
  AttentionShape shape;
  shape.batch = input.dim(0);
  shape.q_len = shape.kv_len = input.dim(1);
  shape.heads = num_heads(node);
  shape.qk_head = qk_width / shape.heads;
  shape.v_head = v_width / shape.heads;
  // QKV [B, S, packed] = input x weights, one product per sequence (sgemm.h
  // says why); the biases are applied per head. Unlike the rest of the fast
  // kernels this allocates per run (xenc's own fusion writes
  // MultiHeadAttention after separate projections instead).
  const int64_t hidden = input.dim(2);
  std::vector<float> qkv(static_cast<size_t>(shape.batch * shape.q_len * packed));
  parallel_sgemm(dense_sgemm(false, false, shape.q_len, packed, hidden, 1.0f, input.data<float>(),
                             weights.data<float>(), 0.0f, qkv.data()),
                 shape.batch, [&](int64_t b) { return SgemmOffsets{b * shape.q_len * hidden, 0, b * shape.q_len * packed}; });
  QkvBias qkv_bias;
  if (bias) {
    qkv_bias.q = bias->data<float>();
    qkv_bias.v = qkv_bias.q + 2 * qk_width;
  }
  attention_f32(shape, {qkv.data(), packed}, {qkv.data() + qk_width, packed}, {qkv.data() + 2 * qk_width, packed},
                qkv_bias, key_mask_of(node, mask), {}, attention_scale(node, shape.qk_head), bf16_products(node),
                out[0]->data<float>());
  return true;
}

}  // namespace xenc
