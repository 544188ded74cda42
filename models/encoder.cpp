#include "models/encoder.h"

#include <cmath>
#include <limits>

#include "graph/error.h"
#include "graph/passes/pattern.h"
#include "models/layers.h"

namespace xenc {

namespace {

class EncoderBuilder {
 public:
  EncoderBuilder(GraphBuilder& builder, const EncoderConfig& config, const CheckpointWeights& weights,
                 const EncoderOptions& options)
      : b_(builder),
        c_(config),
        w_(weights),
        separate_(options.separate_texts),
        root_(std::string("/").append(base_model_prefix(config.family))) {}

  std::string build() {
    const ValueType tokens{DType::kInt64, SymShape{Dim::named("batch_size"), Dim::named("sequence_length")}};
    b_.add_input("input_ids", tokens);
    b_.add_input("attention_mask", tokens);
    if (has_token_types()) b_.add_input("token_type_ids", tokens);
    const std::string mask = separate_ ? separate_texts_mask() : extended_mask();
    std::string hidden = embeddings();
    for (int64_t i = 0; i < c_.num_hidden_layers; ++i)
      hidden = layer(i, hidden, mask, i + 1 == c_.num_hidden_layers ? kLastHiddenState : "");
    return hidden;
  }

 private:
  // RoBERTa and XLM-R have a one-row token-type table and no such input.
  bool has_token_types() const {
    return c_.family == EncoderFamily::kBert || c_.family == EncoderFamily::kElectra;
  }

  Tensor weight(const std::string& name, const Shape& shape) const { return w_.encoder(name, shape); }

  std::string table(const std::string& name, int64_t rows) {
    return b_.add_initializer(w_.encoder_name(name), weight(name, {rows, c_.embedding_size}));
  }

  std::string dense(const std::string& scope, const std::string& x, const std::string& name, int64_t in,
                    int64_t out) {
    const Tensor w = weight(name + ".weight", {out, in});  // read before the bias: errors name the weight first
    return linear(b_, scope, x, w_.encoder_name(name), w, weight(name + ".bias", {out}));
  }

  std::string norm(const std::string& scope, const std::string& x, const std::string& name, int64_t width,
                   const std::string& output = "") {
    Tensor w = weight(name + ".weight", {width});
    return layer_norm(b_, scope, x, w_.encoder_name(name), std::move(w), weight(name + ".bias", {width}),
                      c_.layer_norm_eps, output);
  }

  // transformers' get_extended_attention_mask: 0 where attention_mask is 1,
  // the float32 minimum where it is 0, shaped [B, 1, 1, S] for the scores.
  std::string extended_mask() {
    const std::string& scope = root_;
    const std::string rows = b_.add_node(scope, "Unsqueeze", {"attention_mask", b_.int64_vector("const.axis_1", {1})});
    const std::string columns = b_.add_node(scope, "Unsqueeze", {rows, b_.int64_vector("const.axis_2", {2})});
    const std::string as_float =
        b_.add_node(scope, "Cast", {columns}, {{"to", int_attribute(static_cast<int64_t>(DType::kFloat))}});
    const std::string inverted = b_.add_node(scope, "Sub", {b_.float_scalar("const.one", 1.0f), as_float});
    return b_.add_node(scope, "Mul",
                       {inverted, b_.float_scalar("const.float_lowest", std::numeric_limits<float>::lowest())});
  }

  // separate_texts: (1 - attention_mask[b, j] * same[b, i, j]) * float32
  // lowest, [B, 1, S, S], where same is 1 - (type_i - type_j)^2: 1 for two
  // tokens of one text, 0 across the texts.
  std::string separate_texts_mask() {
    const std::string scope = root_ + "/separate_texts";
    const auto cast = [&](const std::string& x) {
      return b_.add_node(scope, "Cast", {x}, {{"to", int_attribute(static_cast<int64_t>(DType::kFloat))}});
    };
    const std::string types = cast("token_type_ids");
    const std::string row_types = b_.add_node(scope, "Unsqueeze", {types, b_.int64_vector("const.axes_1_3", {1, 3})});
    const std::string key_axes = b_.int64_vector("const.axes_1_2", {1, 2});
    const std::string column_types = b_.add_node(scope, "Unsqueeze", {types, key_axes});
    const std::string difference = b_.add_node(scope, "Sub", {row_types, column_types});
    const std::string one = b_.float_scalar("const.one", 1.0f);
    const std::string same = b_.add_node(scope, "Sub", {one, b_.add_node(scope, "Mul", {difference, difference})});
    const std::string keys = cast(b_.add_node(scope, "Unsqueeze", {"attention_mask", key_axes}));
    const std::string allowed = b_.add_node(scope, "Mul", {same, keys});
    return b_.add_node(scope, "Mul",
                       {b_.add_node(scope, "Sub", {one, allowed}),
                        b_.float_scalar("const.float_lowest", std::numeric_limits<float>::lowest())});
  }

  // separate_texts: token type 1's positions restart at 0, i.e. the sliced
  // arange minus type * (the first text's length: its tokens in the mask).
  std::string restarted_positions(const std::string& scope, const std::string& positions) {
    const std::string one = b_.int64_scalar("const.one_int64", 1);
    const std::string first_text = b_.add_node(scope, "Sub", {one, "token_type_ids"});
    const std::string first_length =
        b_.add_node(scope, "ReduceSum", {b_.add_node(scope, "Mul", {first_text, "attention_mask"}),
                                         b_.int64_vector("const.axis_1", {1})},
                    {{"keepdims", int_attribute(1)}});
    return b_.add_node(scope, "Sub", {positions, b_.add_node(scope, "Mul", {"token_type_ids", first_length})});
  }

  // BERT and ELECTRA: position_ids[:, :S] of the registered arange buffer.
  std::string sliced_positions(const std::string& scope) {
    Tensor arange(DType::kInt64, {1, c_.max_position_embeddings});
    for (int64_t i = 0; i < c_.max_position_embeddings; ++i) arange.data<int64_t>()[i] = i;
    const std::string ids = b_.add_initializer(w_.encoder_name("embeddings.position_ids"), std::move(arange));
    const std::string length = b_.add_node(scope, "Shape", {"input_ids"},
                                           {{"start", int_attribute(1)}, {"end", int_attribute(2)}});
    return b_.add_node(scope, "Slice",
                       {ids, b_.int64_vector("const.zero_1d", {0}), length, b_.int64_vector("const.axis_1", {1})});
  }

  // RoBERTa and XLM-R (create_position_ids_from_input_ids): real tokens
  // count from pad_token_id + 1, padding stays at pad_token_id.
  std::string padded_positions(const std::string& scope) {
    const std::string pad = b_.int64_scalar("const.pad_token_id", c_.pad_token_id);
    const std::string is_pad = b_.add_node(scope, "Equal", {"input_ids", pad});
    const std::string not_pad = b_.add_node(scope, "Not", {is_pad});
    const std::string mask =
        b_.add_node(scope, "Cast", {not_pad}, {{"to", int_attribute(static_cast<int64_t>(DType::kInt32))}});
    const std::string counts = b_.add_node(scope, "CumSum", {mask, b_.int64_scalar("const.one_int64", 1)});
    const std::string kept = b_.add_node(scope, "Mul", {counts, mask});
    const std::string wide =
        b_.add_node(scope, "Cast", {kept}, {{"to", int_attribute(static_cast<int64_t>(DType::kInt64))}});
    return b_.add_node(scope, "Add", {wide, pad});
  }

  std::string embeddings() {
    const std::string scope = root_ + "/embeddings";
    const std::string words = b_.add_node(scope + "/word_embeddings", "Gather",
                                          {table("embeddings.word_embeddings.weight", c_.vocab_size), "input_ids"});
    // Without token_type_ids every token has type 0: a scalar index gathers that one row.
    const std::string type_ids =
        has_token_types() && !separate_ ? "token_type_ids" : b_.int64_scalar("const.zero", 0);
    const std::string types =
        b_.add_node(scope + "/token_type_embeddings", "Gather",
                    {table("embeddings.token_type_embeddings.weight", c_.type_vocab_size), type_ids});
    const std::string sum = b_.add_node(scope, "Add", {words, types});
    std::string position_ids = has_token_types() ? sliced_positions(scope) : padded_positions(scope);
    if (separate_) position_ids = restarted_positions(scope, position_ids);
    const std::string positions =
        b_.add_node(scope + "/position_embeddings", "Gather",
                    {table("embeddings.position_embeddings.weight", c_.max_position_embeddings), position_ids});
    const std::string embedded = b_.add_node(scope, "Add", {sum, positions});
    const std::string normed = norm(scope + "/LayerNorm", embedded, "embeddings.LayerNorm", c_.embedding_size);
    if (c_.embedding_size == c_.hidden_size) return normed;
    return dense(root_ + "/embeddings_project", normed, "embeddings_project", c_.embedding_size, c_.hidden_size);
  }

  std::string attention(const std::string& scope, const std::string& name, const std::string& x,
                        const std::string& mask) {
    const int64_t h = c_.hidden_size;
    const std::string split = b_.int64_vector("const.split_heads", {0, 0, c_.num_attention_heads, c_.head_size()});
    const auto heads = [&](const std::string& projected, std::vector<int64_t> perm) {
      const std::string reshaped = b_.add_node(scope, "Reshape", {projected, split});
      return b_.add_node(scope, "Transpose", {reshaped}, {{"perm", ints_attribute(std::move(perm))}});
    };
    const std::string query = dense(scope + "/query", x, name + ".query", h, h);
    const std::string key = dense(scope + "/key", x, name + ".key", h, h);
    const std::string key_t = heads(key, {0, 2, 3, 1});  // [B, heads, head_size, S]
    const std::string value = dense(scope + "/value", x, name + ".value", h, h);
    const std::string value_heads = heads(value, {0, 2, 1, 3});
    const std::string query_heads = heads(query, {0, 2, 1, 3});
    const std::string scores = b_.add_node(scope, "MatMul", {query_heads, key_t});
    const float sqrt_head_size = static_cast<float>(std::sqrt(static_cast<double>(c_.head_size())));
    const std::string scaled =
        b_.add_node(scope, "Div", {scores, b_.float_scalar("const.sqrt_head_size", sqrt_head_size)});
    const std::string masked = b_.add_node(scope, "Add", {scaled, mask});
    const std::string probs = b_.add_node(scope, "Softmax", {masked}, {{"axis", int_attribute(-1)}});
    const std::string context = b_.add_node(scope, "MatMul", {probs, value_heads});
    const std::string merged = b_.add_node(scope, "Transpose", {context}, {{"perm", ints_attribute({0, 2, 1, 3})}});
    return b_.add_node(scope, "Reshape", {merged, b_.int64_vector("const.merge_heads", {0, 0, h})});
  }

  std::string layer(int64_t index, const std::string& x, const std::string& mask, const std::string& output) {
    const std::string scope = root_ + "/encoder/layer." + std::to_string(index);
    const std::string name = "encoder.layer." + std::to_string(index);
    const int64_t h = c_.hidden_size;
    const std::string context = attention(scope + "/attention/self", name + ".attention.self", x, mask);
    const std::string projected =
        dense(scope + "/attention/output/dense", context, name + ".attention.output.dense", h, h);
    const std::string residual = b_.add_node(scope + "/attention/output", "Add", {projected, x});
    const std::string attended =
        norm(scope + "/attention/output/LayerNorm", residual, name + ".attention.output.LayerNorm", h);
    const std::string widened =
        dense(scope + "/intermediate/dense", attended, name + ".intermediate.dense", h, c_.intermediate_size);
    const std::string activated = gelu(b_, scope + "/intermediate/intermediate_act_fn", widened);
    const std::string narrowed =
        dense(scope + "/output/dense", activated, name + ".output.dense", c_.intermediate_size, h);
    const std::string summed = b_.add_node(scope + "/output", "Add", {narrowed, attended});
    return norm(scope + "/output/LayerNorm", summed, name + ".output.LayerNorm", h, output);
  }

  GraphBuilder& b_;
  const EncoderConfig& c_;
  const CheckpointWeights& w_;
  bool separate_;
  std::string root_;  // "/bert": the scope of the base model in the export
};

}  // namespace

std::string build_encoder(GraphBuilder& builder, const EncoderConfig& config, const CheckpointWeights& weights,
                          const EncoderOptions& options) {
  if (options.separate_texts && !(config.family == EncoderFamily::kBert || config.family == EncoderFamily::kElectra))
    throw Error("encoding the texts separately needs token_type_ids, which only BERT and ELECTRA have");
  return EncoderBuilder(builder, config, weights, options).build();
}

}  // namespace xenc
