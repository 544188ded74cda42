#include "models/pair_cosine_head.h"

#include "graph/error.h"
#include "graph/passes/pattern.h"

namespace xenc {

namespace {

std::string one_value(GraphBuilder& builder, const std::string& name, float value) {
  Tensor t(DType::kFloat, {1});
  *t.data<float>() = value;
  return builder.add_initializer(name, std::move(t));
}

}  // namespace

Head build_pair_cosine_head(GraphBuilder& builder, const EncoderConfig& config, const std::string& origin,
                            const std::string& hidden, const HeadOptions& options, const std::string& output) {
  if (config.family != EncoderFamily::kBert && config.family != EncoderFamily::kElectra)
    throw Error(origin + ": the pair-cosine head tells the two texts apart by token_type_ids, which " +
                class_prefix(config.family) + " models do not have");
  if (options.num_labels && *options.num_labels != 1)
    throw Error("the pair-cosine head gives one label, not the " + std::to_string(*options.num_labels) +
                " asked for");
  const std::string module = kPairCosineModule;
  const std::string scope = std::string("/").append(module);
  using Attributes = std::map<std::string, Attribute>;
  const auto node = [&](const std::string& op, std::vector<std::string> inputs, Attributes attrs = {}) {
    return builder.add_node(scope, op, std::move(inputs), std::move(attrs));
  };
  const Attributes to_float{{"to", int_attribute(static_cast<int64_t>(DType::kFloat))}};
  const Attributes keep_axis{{"keepdims", int_attribute(1)}};
  const Attributes drop_axis{{"keepdims", int_attribute(0)}};
  const std::string tokens_axis = builder.int64_vector("const.axis_1", {1});
  const std::string feature_axis = builder.int64_vector("const.axis_2", {2});

  // Token weights of each text: attention_mask * token type (second) and the rest of the mask (first).
  const std::string in_pair = node("Cast", {"attention_mask"}, to_float);
  const std::string second = node("Mul", {node("Cast", {"token_type_ids"}, to_float), in_pair});
  const std::string first = node("Sub", {in_pair, second});
  // Sums over each text's tokens: the cosine does not depend on dividing them by the token counts.
  const auto text_sum = [&](const std::string& weights) {
    return node("ReduceSum", {node("Mul", {hidden, node("Unsqueeze", {weights, feature_axis})}), tokens_axis},
                drop_axis);
  };
  const std::string a = text_sum(first);
  const std::string b = text_sum(second);
  const auto dot = [&](const std::string& x, const std::string& y) {
    return node("ReduceSum", {node("Mul", {x, y}), tokens_axis}, keep_axis);
  };
  // The epsilon makes a text without tokens (a single text rather than a pair) score cosine 0, not 0/0.
  const std::string norms =
      node("Sqrt", {node("Add", {node("Mul", {dot(a, a), dot(b, b)}), builder.float_scalar("const.tiny", 1e-12f)})});
  const std::string cosine = node("Div", {dot(a, b), norms});
  const std::string scaled = node("Mul", {cosine, one_value(builder, module + ".scale", 1)});
  Head head;
  head.logits = builder.add_node(scope, "Add", {scaled, one_value(builder, module + ".shift", 0)}, {}, output);
  head.num_labels = 1;
  head.initialized = {kPairCosineModule};
  return head;
}

}  // namespace xenc
