// EmbedLayerNormalization (com.microsoft, ONNX Runtime contrib op), BERT's
// embedding layer:
//   sum    = word_embedding[input_ids] + position_embedding[position] (+ segment_embedding[segment_ids])
//   output = (sum - mean) / sqrt(variance + epsilon) * gamma + beta over the hidden axis
// with position = position_ids ([B, S] or [1, S]) or, without them, the
// index 0..S-1 within the sequence. Outputs: output [B, S, H], mask_index
// (int32 [B], the number of 1s in each row of mask; zeros without a mask) and
// embedding_sum (sum, optional). Ids are int32 or int64 and checked against
// their tables.
#include "ops/common/data_movement.h"
#include "ops/common/dispatch.h"
#include "ops/common/elementwise.h"
#include "ops/common/layer_norm.h"
#include "ops/common/shape_checks.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

enum Input {
  kInputIds,
  kSegmentIds,
  kWordEmbedding,
  kPositionEmbedding,
  kSegmentEmbedding,
  kGamma,
  kBeta,
  kMask,
  kPositionIds
};
enum Output { kOutput, kMaskIndex, kEmbeddingSum };
// ONNX Runtime's default for this op.
constexpr float kDefaultEpsilon = 1e-12f;

const std::initializer_list<DType> kIdTypes = {DType::kInt32, DType::kInt64};

bool present(std::span<const ShapeInput> inputs, size_t i) { return i < inputs.size() && inputs[i].present; }

// Throws unless a [B, S]-like id input matches the input ids' shape, dim 0 may be 1 when `batch_may_be_one`.
void expect_like_ids(const ShapeInput& in, const SymShape& ids, bool batch_may_be_one, const char* what) {
  expect_dtype(in, kIdTypes, what);
  expect_rank(in, 2, what);
  if (!in.type.shape) return;
  const SymShape& s = *in.type.shape;
  if (!(batch_may_be_one && s[0].is_known() && s[0].value == 1))
    expect_same_dim(s[0], ids[0], (std::string(what) + " batch size differs from input_ids'").c_str());
  expect_same_dim(s[1], ids[1], (std::string(what) + " sequence length differs from input_ids'").c_str());
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 7, 9);
  if (node.outputs.empty() || node.outputs.size() > 3)
    throw Error("expects 1 to 3 outputs, got " + std::to_string(node.outputs.size()));
  const ShapeInput& ids = required_input(inputs, kInputIds, "input_ids");
  expect_dtype(ids, kIdTypes, "input_ids");
  expect_rank(ids, 2, "input_ids");
  const SymShape id_shape = ids.type.shape.value_or(unknown_dims(2));
  if (present(inputs, kSegmentIds) != present(inputs, kSegmentEmbedding))
    throw Error("segment_ids and segment_embedding must be given together");
  if (present(inputs, kSegmentIds)) expect_like_ids(inputs[kSegmentIds], id_shape, false, "segment_ids");
  if (present(inputs, kMask)) expect_like_ids(inputs[kMask], id_shape, false, "mask");
  if (present(inputs, kPositionIds)) expect_like_ids(inputs[kPositionIds], id_shape, true, "position_ids");

  const ShapeInput& word = required_input(inputs, kWordEmbedding, "word_embedding");
  std::vector<ShapeInput> tables = {word, required_input(inputs, kPositionEmbedding, "position_embedding"),
                                    required_input(inputs, kGamma, "gamma"), required_input(inputs, kBeta, "beta")};
  if (present(inputs, kSegmentEmbedding)) tables.push_back(inputs[kSegmentEmbedding]);
  const DType dtype = common_dtype(tables, kFloatTypes);
  expect_rank(word, 2, "word_embedding");
  const Dim hidden = word.type.shape ? (*word.type.shape)[1] : Dim::unknown();
  for (const size_t i : {kPositionEmbedding, kSegmentEmbedding}) {
    if (!present(inputs, i)) continue;
    const char* what = i == kPositionEmbedding ? "position_embedding" : "segment_embedding";
    expect_rank(inputs[i], 2, what);
    if (inputs[i].type.shape)
      expect_same_dim((*inputs[i].type.shape)[1], hidden, (std::string(what) + " width differs from word_embedding's").c_str());
  }
  for (const size_t i : {kGamma, kBeta}) {
    const char* what = i == kGamma ? "gamma" : "beta";
    expect_rank(inputs[i], 1, what);
    if (inputs[i].type.shape)
      expect_same_dim((*inputs[i].type.shape)[0], hidden, (std::string(what) + " length differs from the hidden size").c_str());
  }

  std::vector<ValueType> out(node.outputs.size());
  out[kOutput] = ValueType{dtype, SymShape{id_shape[0], id_shape[1], hidden}};
  if (out.size() > kMaskIndex) out[kMaskIndex] = ValueType{DType::kInt32, SymShape{id_shape[0]}};
  if (out.size() > kEmbeddingSum) out[kEmbeddingSum] = out[kOutput];
  return out;
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const auto input = [&](size_t i) { return i < in.size() ? in[i] : nullptr; };
  const auto output = [&](size_t i) { return i < out.size() ? out[i] : nullptr; };
  const Tensor& ids = *in[kInputIds];
  const Tensor* segment_ids = input(kSegmentIds);
  const Tensor* position_ids = input(kPositionIds);
  const Tensor& word = *in[kWordEmbedding];
  const Tensor& position = *in[kPositionEmbedding];
  const Tensor* segment = input(kSegmentEmbedding);
  const int64_t batch = ids.dim(0), seq = ids.dim(1), hidden = word.dim(1);
  const float epsilon = node.attr_float("epsilon", kDefaultEpsilon);
  dispatch_float(word.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const auto row = [hidden](const Tensor& table, int64_t id) {
      return table.data<T>() + normalize_index(id, table.dim(0)) * hidden;
    };
    std::vector<T> sum(static_cast<size_t>(hidden));
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t s = 0; s < seq; ++s) {
        const int64_t token = b * seq + s;
        // Position ids of shape [1, S] serve every row of the batch.
        const int64_t pos = position_ids ? position_ids->int_at(position_ids->dim(0) == 1 ? s : token) : s;
        const T* w = row(word, ids.int_at(token));
        const T* p = row(position, pos);
        const T* g = segment ? row(*segment, segment_ids->int_at(token)) : nullptr;
        for (int64_t c = 0; c < hidden; ++c) sum[static_cast<size_t>(c)] = static_cast<T>(w[c] + p[c] + (g ? g[c] : T(0)));
        if (Tensor* embedding_sum = output(kEmbeddingSum))
          std::copy(sum.begin(), sum.end(), embedding_sum->data<T>() + token * hidden);
        normalize_row(sum.data(), hidden, in[kGamma]->data<T>(), in[kBeta]->data<T>(), epsilon,
                      out[kOutput]->data<T>() + token * hidden);
      }
    }
  });
  if (Tensor* mask_index = output(kMaskIndex)) {
    const Tensor* mask = input(kMask);
    int32_t* counts = mask_index->data<int32_t>();
    for (int64_t b = 0; b < batch; ++b) {
      counts[b] = 0;
      for (int64_t s = 0; mask && s < seq; ++s) counts[b] += mask->int_at(b * seq + s) == 1 ? 1 : 0;
    }
  }
}

}  // namespace

extern const OpSchema kEmbedLayerNormalizationOp{"com.microsoft", "EmbedLayerNormalization", 1, infer, run};

}  // namespace xenc
