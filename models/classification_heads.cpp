#include "models/classification_heads.h"

#include "graph/error.h"
#include "graph/passes/pattern.h"
#include "models/layers.h"
#include "models/normal_init.h"

namespace xenc {

namespace {

// A Linear of the head: its transformers name, and whether it belongs to the
// encoder (BERT's pooler, stored with or without the base-model prefix).
struct Module {
  std::string name;
  bool in_encoder = false;
};

class HeadWeights {
 public:
  HeadWeights(const CheckpointWeights& weights, const EncoderConfig& config, uint32_t seed)
      : w_(weights), c_(config), init_(seed) {}

  std::string canonical(const Module& m) const { return m.in_encoder ? w_.encoder_name(m.name) : m.name; }

  // Whether the checkpoint has the module; one of weight and bias alone is an error.
  bool present(const Module& m) const {
    const auto has = [&](const std::string& n) { return m.in_encoder ? w_.has_encoder(n) : w_.has(n); };
    const bool weight = has(m.name + ".weight");
    if (weight != has(m.name + ".bias"))
      throw Error(w_.origin() + ": '" + canonical(m) + "' has a " +
                  (weight ? "weight but no bias" : "bias but no weight"));
    return weight;
  }

  // Adds the module as a Gemm, reading it or, when absent, initializing it.
  std::string gemm(GraphBuilder& builder, const std::string& scope, const std::string& x, const Module& m,
                   int64_t out, std::vector<std::string>& initialized, const std::string& output = "") {
    const int64_t in = c_.hidden_size;
    Tensor weight;
    Tensor bias;
    if (present(m)) {
      weight = m.in_encoder ? w_.encoder(m.name + ".weight", {out, in}) : w_.read(m.name + ".weight", {out, in});
      bias = m.in_encoder ? w_.encoder(m.name + ".bias", {out}) : w_.read(m.name + ".bias", {out});
    } else {
      weight = init_.normal({out, in}, c_.initializer_range);
      bias = Tensor(DType::kFloat, {out});  // zeros
      initialized.push_back(canonical(m));
    }
    return gemm_linear(builder, scope, x, canonical(m), std::move(weight), std::move(bias), output);
  }

 private:
  const CheckpointWeights& w_;
  const EncoderConfig& c_;
  NormalInit init_;
};

// The label count: the classifier's when the checkpoint has one (which must
// agree with config.json and the caller), else the caller's, else config.json's.
int64_t label_count(const HeadWeights& head, const CheckpointWeights& weights, const EncoderConfig& config,
                    const Module& classifier, const std::optional<int64_t>& requested) {
  if (!head.present(classifier)) return requested.value_or(config.num_labels);
  const Shape shape = weights.shape(classifier.name + ".weight");
  if (shape.size() != 2)
    throw Error(weights.origin() + ": tensor '" + classifier.name + ".weight' has shape " + shape_str(shape) +
                ", expected [num_labels, " + std::to_string(config.hidden_size) + "]");
  const int64_t n = shape[0];
  if (requested && *requested != n)
    throw Error(weights.origin() + ": the checkpoint's classifier has num_labels " + std::to_string(n) + ", not the " +
                std::to_string(*requested) + " asked for");
  if (config.num_labels != n)
    throw Error(weights.origin() + ": the checkpoint's classifier has num_labels " + std::to_string(n) +
                ", config.json declares " + std::to_string(config.num_labels));
  return n;
}

}  // namespace

Head build_classification_head(GraphBuilder& builder, const EncoderConfig& config, const CheckpointWeights& weights,
                               const std::string& hidden, const HeadOptions& options, const std::string& output) {
  HeadWeights head_weights(weights, config, options.seed);
  const bool bert = config.family == EncoderFamily::kBert;
  const Module dense = bert ? Module{"pooler.dense", true} : Module{"classifier.dense"};
  const Module classifier{bert ? "classifier" : "classifier.out_proj"};
  // BERT may lack only its classifier (a BertModel keeps the pooler); the
  // other heads are one module, present or absent as a whole.
  if (!bert && head_weights.present(dense) != head_weights.present(classifier))
    throw Error(weights.origin() + ": the classification head is incomplete: it has '" +
                (head_weights.present(dense) ? dense.name : classifier.name) + "' but not '" +
                (head_weights.present(dense) ? classifier.name : dense.name) + "'");

  Head head;
  head.num_labels = label_count(head_weights, weights, config, classifier, options.num_labels);
  const std::string base = base_model_prefix(config.family);
  const std::string scope = bert ? "/" + base + "/pooler" : "/classifier";
  const std::string first_token =
      builder.add_node(scope, "Gather", {hidden, builder.int64_scalar("const.zero", 0)}, {{"axis", int_attribute(1)}});
  const std::string pooled =
      head_weights.gemm(builder, scope + "/dense", first_token, dense, config.hidden_size, head.initialized);
  const std::string activated = config.family == EncoderFamily::kElectra
                                    ? gelu(builder, scope, pooled)
                                    : builder.add_node(bert ? scope + "/activation" : scope, "Tanh", {pooled});
  head.logits = head_weights.gemm(builder, bert ? "/classifier" : "/classifier/out_proj", activated, classifier,
                                  head.num_labels, head.initialized, output);
  return head;
}

}  // namespace xenc
