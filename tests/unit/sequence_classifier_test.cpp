#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <optional>
#include <set>

#include "exporter/onnx_writer.h"
#include "exporter/safetensors.h"
#include "graph/tensor_proto.h"
#include "graph_builders.h"
#include "models/sequence_classifier.h"
#include "runtime/session.h"
#include "temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using test::Contains;
using test::error_of;
using test::TempDir;

const fs::path kRealExports = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "real_exports";

fs::path fixture(const std::string& family) { return kRealExports / (family + "_opset17"); }

// A checkpoint's tensors after an edit: each name maps to a new name, or to
// nothing to drop the tensor.
class EditedWeights final : public WeightSource {
 public:
  EditedWeights(const WeightSource& base, const std::vector<std::string>& names,
                const std::function<std::optional<std::string>(const std::string&)>& edit) {
    for (const std::string& name : names)
      if (const auto renamed = edit(name)) tensors_[*renamed] = base.read_float(name);
  }
  bool contains(const std::string& name) const override { return tensors_.count(name) != 0; }
  Tensor read_float(const std::string& name) const override {
    if (!contains(name)) throw Error("edited: no tensor '" + name + "'");
    return tensors_.at(name);
  }
  std::string origin() const override { return "edited"; }

 private:
  std::map<std::string, Tensor> tensors_;
};

std::vector<std::string> float_names(const SafetensorsFile& file) {
  std::vector<std::string> names;
  for (const auto& [name, entry] : file.entries())
    if (entry.dtype == "F32") names.push_back(name);
  return names;
}

struct Fixture {
  EncoderConfig config;
  SafetensorsFile weights;
};

Fixture load_fixture(const std::string& family) {
  return {read_encoder_config(fixture(family) / "config.json"),
          SafetensorsFile::open(fixture(family) / "model.safetensors")};
}

std::map<std::string, Tensor> read_inputs(const fs::path& set) {
  std::map<std::string, Tensor> feeds;
  for (int i = 0; fs::exists(set / ("input_" + std::to_string(i) + ".pb")); ++i) {
    std::string name;
    Tensor t = read_tensor_file(set / ("input_" + std::to_string(i) + ".pb"), &name);
    feeds.emplace(name, std::move(t));
  }
  return feeds;
}

float max_abs_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  float worst = 0;
  for (int64_t i = 0; i < std::min(a.numel(), b.numel()); ++i)
    worst = std::max(worst, std::abs(a.data<float>()[i] - b.data<float>()[i]));
  return worst;
}

// The ops that carry the computation once the passes have run; shape
// bookkeeping (Shape, Slice, Unsqueeze, ...) differs between the exports.
std::map<std::string, int> compute_ops(const Graph& graph) {
  static const std::set<std::string> kCompute = {"MultiHeadAttention", "Attention", "SkipLayerNormalization",
                                                 "LayerNormalization", "Gelu", "BiasGelu", "MatMul", "Gemm",
                                                 "Softmax", "Erf", "Tanh"};
  std::map<std::string, int> histogram;
  for (const Node& n : graph.nodes)
    if (kCompute.count(n.op_type)) histogram[n.op_type]++;
  return histogram;
}

class ExportedFamily : public ::testing::TestWithParam<std::string> {};

// Built, written and loaded back, each family gives ONNX Runtime's logits
// for its torch.onnx export, and the passes fuse it as they fuse that export.
TEST_P(ExportedFamily, MatchesTheTorchExport) {
  const Fixture f = load_fixture(GetParam());
  const SequenceClassifier model = build_sequence_classifier(f.config, f.weights);
  EXPECT_EQ(model.num_labels, f.config.num_labels);
  EXPECT_TRUE(model.initialized.empty());
  TempDir dir;
  write_onnx(model.graph, dir.path() / "model.onnx");
  const auto ours = Session::load(dir.path() / "model.onnx");
  const auto theirs = Session::load(fixture(GetParam()) / "model.onnx");
  EXPECT_EQ(compute_ops(ours->graph()), compute_ops(theirs->graph()));
  std::vector<std::string> input_names;
  for (const GraphValue& v : ours->inputs()) input_names.push_back(v.name);
  std::vector<std::string> fixture_inputs;
  for (const GraphValue& v : theirs->inputs()) fixture_inputs.push_back(v.name);
  EXPECT_EQ(input_names, fixture_inputs);
  for (int k = 0; k < 4; ++k) {
    const fs::path set = fixture(GetParam()) / ("test_data_set_" + std::to_string(k));
    const std::vector<Tensor> logits = ours->run(read_inputs(set));
    ASSERT_EQ(logits.size(), 1u);
    EXPECT_LE(max_abs_diff(logits[0], read_tensor_file(set / "output_0.pb")), 1e-4f) << "test_data_set_" << k;
  }
}

INSTANTIATE_TEST_SUITE_P(Families, ExportedFamily, ::testing::Values("bert", "roberta", "xlm_roberta", "electra"));

TEST(SequenceClassifier, NamesTheEncoderOutputAndTheLogits) {
  const Fixture f = load_fixture("bert");
  const Graph graph = build_sequence_classifier(f.config, f.weights).graph;
  ASSERT_EQ(graph.outputs.size(), 1u);
  EXPECT_EQ(graph.outputs[0].name, "logits");
  EXPECT_EQ(graph.outputs[0].type.str(), "float[batch_size,1]");
  bool found = false;
  for (const Node& n : graph.nodes) found |= n.outputs[0] == "last_hidden_state";
  EXPECT_TRUE(found);
  EXPECT_TRUE(graph.initializers.count("bert.encoder.layer.1.output.dense.weight.transposed"));
  EXPECT_TRUE(graph.initializers.count("classifier.weight"));
}

TEST(SequenceClassifier, AcceptsEncoderNamesWithoutThePrefix) {
  const Fixture f = load_fixture("electra");
  const auto strip_prefix = [](const std::string& name) -> std::optional<std::string> {
    return name.starts_with("electra.") ? name.substr(8) : name;
  };
  const EditedWeights bare(f.weights, float_names(f.weights), strip_prefix);
  const Graph expected = build_sequence_classifier(f.config, f.weights).graph;
  const Graph graph = build_sequence_classifier(f.config, bare).graph;
  ASSERT_EQ(graph.initializers.size(), expected.initializers.size());
  for (const auto& [name, t] : expected.initializers) {
    ASSERT_TRUE(graph.initializers.count(name)) << name;
    EXPECT_EQ(std::memcmp(t.raw(), graph.initializers.at(name).raw(), t.nbytes()), 0) << name;
  }
}

// A base-model checkpoint (no head): the head is initialized as transformers
// does, normal(0, initializer_range) weights and zero biases, the same every time.
TEST(SequenceClassifier, InitializesAMissingHead) {
  const Fixture f = load_fixture("bert");
  const EditedWeights base_model(f.weights, float_names(f.weights),
                                 [](const std::string& name) -> std::optional<std::string> {
                                   if (name.starts_with("classifier.") || name.starts_with("bert.pooler.")) return {};
                                   return name.substr(5);  // a BertModel's names: no "bert."
                                 });
  const SequenceClassifier model = build_sequence_classifier(f.config, base_model, HeadOptions{3});
  EXPECT_EQ(model.num_labels, 3);
  EXPECT_EQ(model.initialized, (std::vector<std::string>{"bert.pooler.dense", "classifier"}));
  EXPECT_EQ(model.graph.outputs[0].type.str(), "float[batch_size,3]");
  const Tensor& weight = model.graph.initializers.at("bert.pooler.dense.weight");
  double sum = 0;
  double squares = 0;
  for (int64_t i = 0; i < weight.numel(); ++i) {
    sum += weight.data<float>()[i];
    squares += weight.data<float>()[i] * weight.data<float>()[i];
  }
  const double mean = sum / static_cast<double>(weight.numel());
  const double stddev = std::sqrt(squares / static_cast<double>(weight.numel()) - mean * mean);
  EXPECT_NEAR(mean, 0.0, 0.03);                    // 1024 draws: the mean's own deviation is 0.2 / 32
  EXPECT_NEAR(stddev, f.config.initializer_range, 0.02);
  EXPECT_EQ(test::float_values(model.graph.initializers.at("classifier.bias")), std::vector<float>(3, 0.0f));

  const SequenceClassifier again = build_sequence_classifier(f.config, base_model, HeadOptions{3});
  EXPECT_EQ(test::float_values(again.graph.initializers.at("classifier.weight")),
            test::float_values(model.graph.initializers.at("classifier.weight")));
  const SequenceClassifier other_seed = build_sequence_classifier(f.config, base_model, HeadOptions{3, 7});
  EXPECT_NE(test::float_values(other_seed.graph.initializers.at("classifier.weight")),
            test::float_values(model.graph.initializers.at("classifier.weight")));

  // Without a label count the config's is used.
  EXPECT_EQ(build_sequence_classifier(f.config, base_model).num_labels, 1);
}

TEST(SequenceClassifier, IncompleteOrMismatchedHeadsAreErrors) {
  const Fixture bert = load_fixture("bert");
  const auto without = [&](const Fixture& f, const std::string& prefix) {
    return EditedWeights(f.weights, float_names(f.weights), [&](const std::string& name) -> std::optional<std::string> {
      if (name.starts_with(prefix)) return {};
      return name;
    });
  };
  EXPECT_EQ(error_of([&] { build_sequence_classifier(bert.config, without(bert, "classifier.bias")); }),
            "edited: 'classifier' has a weight but no bias");
  const Fixture roberta = load_fixture("roberta");
  EXPECT_EQ(error_of([&] { build_sequence_classifier(roberta.config, without(roberta, "classifier.out_proj")); }),
            "edited: the classification head is incomplete: it has 'classifier.dense' but not 'classifier.out_proj'");
  EXPECT_EQ(error_of([&] { build_sequence_classifier(bert.config, bert.weights, HeadOptions{5}); }),
            bert.weights.origin() + ": the checkpoint's classifier has num_labels 1, not the 5 asked for");
  EncoderConfig three_labels = bert.config;
  three_labels.num_labels = 3;
  EXPECT_EQ(error_of([&] { build_sequence_classifier(three_labels, bert.weights); }),
            bert.weights.origin() + ": the checkpoint's classifier has num_labels 1, config.json declares 3");
  EncoderConfig wider = bert.config;
  wider.hidden_size = 64;
  wider.embedding_size = 64;
  EXPECT_EQ(error_of([&] { build_sequence_classifier(wider, bert.weights); }),
            bert.weights.origin() +
                ": tensor 'bert.embeddings.word_embeddings.weight' has shape [3000,32], config.json implies [3000,64]");
  EXPECT_TRUE(Contains(error_of([&] { build_sequence_classifier(bert.config, without(bert, "bert.encoder.layer.1")); }),
                       "edited: no tensor 'bert.encoder.layer.1.attention.self.query.weight' (nor "));
}

// The pair-cosine head against the cosine computed here from the encoder's
// output: each text's token states summed by token type, padding left out.
TEST(PairCosineHead, IsTheCosineOfTheTwoTextsStates) {
  const Fixture f = load_fixture("bert");
  HeadOptions pair_cosine;
  pair_cosine.kind = HeadKind::pair_cosine;
  const SequenceClassifier model = build_sequence_classifier(f.config, f.weights, pair_cosine);
  EXPECT_EQ(model.num_labels, 1);
  EXPECT_EQ(model.initialized, (std::vector<std::string>{"pair_cosine"}));
  EXPECT_EQ(test::float_values(model.graph.initializers.at("pair_cosine.scale")), std::vector<float>{1.0f});
  EXPECT_EQ(test::float_values(model.graph.initializers.at("pair_cosine.shift")), std::vector<float>{0.0f});
  EXPECT_FALSE(model.graph.initializers.count("classifier.weight"));
  EXPECT_FALSE(model.graph.initializers.count("bert.pooler.dense.weight"));

  Graph encoder = build_sequence_classifier(f.config, f.weights).graph;
  const SymShape hidden_shape{Dim::named("batch_size"), Dim::named("sequence_length"),
                              Dim::known(f.config.hidden_size)};
  encoder.outputs = {GraphValue{"last_hidden_state", ValueType{DType::kFloat, hidden_shape}}};
  TempDir dir;
  write_onnx(model.graph, dir.path() / "pair_cosine.onnx");
  write_onnx(encoder, dir.path() / "encoder.onnx");
  const auto scorer = Session::load(dir.path() / "pair_cosine.onnx");
  const auto states = Session::load(dir.path() / "encoder.onnx");
  for (int k = 0; k < 4; ++k) {
    const std::map<std::string, Tensor> feeds = read_inputs(fixture("bert") / ("test_data_set_" + std::to_string(k)));
    const Tensor logits = scorer->run(feeds)[0];
    const Tensor hidden = states->run(feeds)[0];
    const int64_t batch = hidden.shape()[0], tokens = hidden.shape()[1], width = hidden.shape()[2];
    ASSERT_EQ(logits.shape(), (Shape{batch, 1}));
    const int64_t* mask = feeds.at("attention_mask").data<int64_t>();
    const int64_t* types = feeds.at("token_type_ids").data<int64_t>();
    for (int64_t b = 0; b < batch; ++b) {
      std::vector<double> sums[2] = {std::vector<double>(width), std::vector<double>(width)};
      for (int64_t t = 0; t < tokens; ++t)
        if (mask[b * tokens + t])
          for (int64_t i = 0; i < width; ++i)
            sums[types[b * tokens + t]][i] += hidden.data<float>()[(b * tokens + t) * width + i];
      double dot = 0, first = 0, second = 0;
      for (int64_t i = 0; i < width; ++i) {
        dot += sums[0][i] * sums[1][i];
        first += sums[0][i] * sums[0][i];
        second += sums[1][i] * sums[1][i];
      }
      // No second text (test_data_set_2's one-token rows): cosine 0.
      const double expected = second == 0 ? 0.0 : dot / std::sqrt(first * second);
      EXPECT_NEAR(logits.data<float>()[b], expected, 1e-5) << "test_data_set_" << k << " row " << b;
    }
  }
}

TEST(PairCosineHead, NeedsTokenTypesAndOneLabel) {
  HeadOptions pair_cosine;
  pair_cosine.kind = HeadKind::pair_cosine;
  const Fixture roberta = load_fixture("roberta");
  EXPECT_EQ(error_of([&] { build_sequence_classifier(roberta.config, roberta.weights, pair_cosine); }),
            roberta.weights.origin() +
                ": the pair-cosine head tells the two texts apart by token_type_ids, which Roberta models do not have");
  const Fixture electra = load_fixture("electra");
  EXPECT_EQ(build_sequence_classifier(electra.config, electra.weights, pair_cosine).num_labels, 1);
  pair_cosine.num_labels = 3;
  EXPECT_EQ(error_of([&] { build_sequence_classifier(electra.config, electra.weights, pair_cosine); }),
            "the pair-cosine head gives one label, not the 3 asked for");
}

}  // namespace
}  // namespace xenc
