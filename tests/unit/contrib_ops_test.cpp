// The com.microsoft contrib ops against plain double-precision loops written
// here from ONNX Runtime's ContribOperators.md, on odd sizes, plus their
// load-time refusals.
#include <gtest/gtest.h>

#include <cmath>

#include "fusion_test_util.h"

namespace xenc {
namespace {

using test::float_values;

// A one-node graph: `inputs` become graph inputs (in order), the node's
// non-empty outputs graph outputs; run without passes.
struct OneNode {
  Node node;
  std::vector<std::pair<std::string, Tensor>> inputs;

  Graph graph() const {
    Graph g = test::make_graph(17);
    g.opsets["com.microsoft"] = 1;
    for (const auto& [name, t] : inputs) test::add_input(g, name, t.dtype(), to_sym_shape(t.shape()));
    g.nodes.push_back(node);
    for (const std::string& out : node.outputs)
      if (!out.empty()) test::add_output(g, out);
    return g;
  }
  std::vector<Tensor> run() const {
    SessionOptions options;
    options.optimize = false;
    std::map<std::string, Tensor> feeds(inputs.begin(), inputs.end());
    return Session(graph(), options).run(feeds);
  }
};

Node contrib(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
             std::map<std::string, Attribute> attrs = {}) {
  Node n = test::make_node(op, op, std::move(inputs), std::move(outputs), std::move(attrs), 1);
  n.domain = "com.microsoft";
  return n;
}

Tensor int32_tensor(Shape shape, const std::vector<int32_t>& values) {
  Tensor t(DType::kInt32, std::move(shape));
  std::copy(values.begin(), values.end(), t.data<int32_t>());
  return t;
}

void expect_near(const std::vector<float>& got, const std::vector<double>& want, double atol = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], atol) << "element " << i;
}

double erf_gelu(double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }
double tanh_gelu(double x) { return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x))); }

// y = (x - mean) / sqrt(var + eps) * gamma + beta per row of `width`.
std::vector<double> layer_norm(const std::vector<double>& x, int64_t width, const std::vector<float>& gamma,
                               const std::vector<float>& beta, double eps) {
  std::vector<double> y(x.size());
  for (size_t r = 0; r < x.size() / static_cast<size_t>(width); ++r) {
    const double* row = x.data() + r * width;
    double mean = 0, var = 0;
    for (int64_t c = 0; c < width; ++c) mean += row[c] / width;
    for (int64_t c = 0; c < width; ++c) var += (row[c] - mean) * (row[c] - mean) / width;
    for (int64_t c = 0; c < width; ++c)
      y[r * width + c] = (row[c] - mean) / std::sqrt(var + eps) * gamma[static_cast<size_t>(c)] + beta[static_cast<size_t>(c)];
  }
  return y;
}

TEST(ContribGelu, MatchesTheErfAndTanhForms) {
  const Tensor x = test::random_tensor({2, 3, 5}, 1);
  const Tensor bias = test::random_tensor({5}, 2);
  std::vector<double> erf_want, tanh_want, biased_erf, biased_tanh;
  const std::vector<float> xs = float_values(x), bs = float_values(bias);
  for (size_t i = 0; i < xs.size(); ++i) {
    const double v = 3.0 * xs[i];
    erf_want.push_back(erf_gelu(v));
    tanh_want.push_back(tanh_gelu(v));
    biased_erf.push_back(erf_gelu(v + bs[i % 5]));
    biased_tanh.push_back(tanh_gelu(v + bs[i % 5]));
  }
  Tensor x3 = x.clone();
  for (int64_t i = 0; i < x3.numel(); ++i) x3.data<float>()[i] *= 3.0f;
  expect_near(float_values(OneNode{contrib("Gelu", {"x"}, {"y"}), {{"x", x3}}}.run()[0]), erf_want);
  expect_near(float_values(OneNode{contrib("FastGelu", {"x"}, {"y"}), {{"x", x3}}}.run()[0]), tanh_want);
  expect_near(float_values(OneNode{contrib("BiasGelu", {"x", "b"}, {"y"}), {{"x", x3}, {"b", bias}}}.run()[0]),
              biased_erf);
  expect_near(float_values(OneNode{contrib("FastGelu", {"x", "b"}, {"y"}), {{"x", x3}, {"b", bias}}}.run()[0]),
              biased_tanh);
}

TEST(ContribGelu, RefusesABiasThatIsNotAVector) {
  const OneNode bad{contrib("BiasGelu", {"x", "b"}, {"y"}),
                    {{"x", test::random_tensor({2, 5}, 1)}, {"b", test::random_tensor({1, 5}, 2)}}};
  EXPECT_TRUE(test::Contains(test::error_of([&] { bad.run(); }), "bias must be 1-D"));
}

// input [2, 3, 7] + skip [1, 3, 7] (broadcast) + bias [7].
struct SkipCase {
  Tensor input = test::random_tensor({2, 3, 7}, 3);
  Tensor skip = test::random_tensor({1, 3, 7}, 4);
  Tensor gamma = test::random_tensor({7}, 5);
  Tensor beta = test::random_tensor({7}, 6);
  Tensor bias = test::random_tensor({7}, 7);

  std::vector<double> sum() const {
    const std::vector<float> in = float_values(input), sk = float_values(skip), b = float_values(bias);
    std::vector<double> s(in.size());
    for (size_t i = 0; i < in.size(); ++i) s[i] = double(in[i]) + sk[i % 21] + b[i % 7];
    return s;
  }
};

TEST(ContribSkipLayerNormalization, NormalisesTheSumAndReturnsIt) {
  const SkipCase c;
  const OneNode op{contrib("SkipLayerNormalization", {"input", "skip", "gamma", "beta", "bias"}, {"y", "", "", "sum"},
                           {{"epsilon", test::float_attr(1e-5f)}}),
                   {{"input", c.input}, {"skip", c.skip}, {"gamma", c.gamma}, {"beta", c.beta}, {"bias", c.bias}}};
  const std::vector<Tensor> out = op.run();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].shape(), (Shape{2, 3, 7}));
  expect_near(float_values(out[0]), layer_norm(c.sum(), 7, float_values(c.gamma), float_values(c.beta), 1e-5));
  expect_near(float_values(out[1]), c.sum());
}

TEST(ContribSkipLayerNormalization, RefusesTrainingOutputsAndWrongParameterSizes) {
  const SkipCase c;
  const OneNode mean{contrib("SkipLayerNormalization", {"input", "skip", "gamma"}, {"y", "mean"}),
                     {{"input", c.input}, {"skip", c.skip}, {"gamma", c.gamma}}};
  EXPECT_TRUE(test::Contains(test::error_of([&] { mean.graph(); mean.run(); }), "training outputs"));
  const OneNode short_gamma{contrib("SkipLayerNormalization", {"input", "skip", "gamma"}, {"y"}),
                            {{"input", c.input}, {"skip", c.skip}, {"gamma", test::random_tensor({6}, 1)}}};
  EXPECT_TRUE(test::Contains(test::error_of([&] { short_gamma.run(); }), "gamma has 6 elements, the hidden size is 7"));
}

// softmax(scale * q_h k_h^T + mask) v_h per batch and head, in double.
std::vector<double> attention(const std::vector<double>& q, const std::vector<double>& k, const std::vector<double>& v,
                              int64_t B, int64_t S, int64_t L, int64_t N, int64_t dk, int64_t dv, double scale,
                              const std::vector<int>& keep, double filter) {
  std::vector<double> out(static_cast<size_t>(B * S * N * dv), 0.0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < N; ++h)
      for (int64_t s = 0; s < S; ++s) {
        std::vector<double> p(static_cast<size_t>(L));
        double max = -1e300, sum = 0;
        for (int64_t j = 0; j < L; ++j) {
          double dot = 0;
          for (int64_t c = 0; c < dk; ++c) dot += q[((b * S + s) * N + h) * dk + c] * k[((b * L + j) * N + h) * dk + c];
          p[j] = scale * dot + (keep.empty() || keep[b * L + j] ? 0.0 : filter);
          max = std::max(max, p[j]);
        }
        for (double& x : p) sum += (x = std::exp(x - max));
        for (int64_t j = 0; j < L; ++j)
          for (int64_t c = 0; c < dv; ++c) out[((b * S + s) * N + h) * dv + c] += p[j] / sum * v[((b * L + j) * N + h) * dv + c];
      }
  return out;
}

std::vector<double> plus_bias(const Tensor& x, const std::vector<float>& bias, size_t offset) {
  const std::vector<float> xs = float_values(x);
  const size_t width = static_cast<size_t>(x.shape().back());
  std::vector<double> y(xs.size());
  for (size_t i = 0; i < xs.size(); ++i) y[i] = double(xs[i]) + bias[offset + i % width];
  return y;
}

TEST(ContribMultiHeadAttention, MatchesTheDefinitionWithBiasAndMasks) {
  // B 2, S 3 queries, L 4 keys, 2 heads of 3 (Q, K) and 2 (V).
  const Tensor q = test::random_tensor({2, 3, 6}, 8), k = test::random_tensor({2, 4, 6}, 9),
               v = test::random_tensor({2, 4, 4}, 10), bias = test::random_tensor({16}, 11);
  const std::vector<float> b = float_values(bias);
  const std::vector<int> keep = {1, 1, 1, 1, 1, 1, 0, 0};
  const std::vector<double> want =
      attention(plus_bias(q, b, 0), plus_bias(k, b, 6), plus_bias(v, b, 12), 2, 3, 4, 2, 3, 2, 0.75, keep, -50.0);
  const std::map<std::string, Attribute> attrs = {{"num_heads", test::int_attr(2)},
                                                  {"scale", test::float_attr(0.75f)},
                                                  {"mask_filter_value", test::float_attr(-50.0f)}};
  const Node node = contrib("MultiHeadAttention", {"q", "k", "v", "bias", "mask"}, {"y"}, attrs);
  const Tensor raw_mask = test::int64_tensor({2, 4}, {1, 1, 1, 1, 1, 1, 0, 0});
  const Tensor lengths = int32_tensor({2}, {4, 2});
  for (const Tensor& mask : {raw_mask, lengths}) {
    const std::vector<Tensor> out =
        OneNode{node, {{"q", q}, {"k", k}, {"v", v}, {"bias", bias}, {"mask", mask}}}.run();
    EXPECT_EQ(out[0].shape(), (Shape{2, 3, 4}));
    expect_near(float_values(out[0]), want);
  }
  // Without a mask and with the default scale 1 / sqrt(3).
  const std::vector<double> unmasked = attention(plus_bias(q, b, 0), plus_bias(k, b, 6), plus_bias(v, b, 12), 2, 3, 4,
                                                 2, 3, 2, 1 / std::sqrt(3.0), {}, 0);
  const Node plain = contrib("MultiHeadAttention", {"q", "k", "v", "bias"}, {"y"}, {{"num_heads", test::int_attr(2)}});
  expect_near(float_values(OneNode{plain, {{"q", q}, {"k", k}, {"v", v}, {"bias", bias}}}.run()[0]), unmasked);
}

// attention_bias [B, 1, 1, L] holding the filter where the mask is 0 gives the masked result.
TEST(ContribMultiHeadAttention, AttentionBiasIsAddedToTheScores) {
  const Tensor q = test::random_tensor({2, 3, 6}, 8), k = test::random_tensor({2, 4, 6}, 9),
               v = test::random_tensor({2, 4, 4}, 10);
  const std::vector<int> keep = {1, 1, 1, 1, 1, 1, 0, 0};
  const std::vector<float> no_bias(16);
  const std::vector<double> want = attention(plus_bias(q, no_bias, 0), plus_bias(k, no_bias, 6),
                                             plus_bias(v, no_bias, 12), 2, 3, 4, 2, 3, 2, 0.75, keep, -50.0);
  Tensor bias(DType::kFloat, {2, 1, 1, 4});
  for (size_t i = 0; i < keep.size(); ++i) bias.data<float>()[i] = keep[i] ? 0.0f : -50.0f;
  const Node node = contrib("MultiHeadAttention", {"q", "k", "v", "", "", "ab"}, {"y"},
                            {{"num_heads", test::int_attr(2)}, {"scale", test::float_attr(0.75f)}});
  expect_near(float_values(OneNode{node, {{"q", q}, {"k", k}, {"v", v}, {"ab", bias}}}.run()[0]), want);
}

TEST(ContribMultiHeadAttention, RefusesWhatItDoesNotImplement) {
  const Tensor x = test::random_tensor({1, 2, 4}, 1);
  const auto error = [&](Node node, std::vector<std::pair<std::string, Tensor>> inputs) {
    return test::error_of([&] { OneNode{std::move(node), std::move(inputs)}.run(); });
  };
  EXPECT_TRUE(test::Contains(error(contrib("MultiHeadAttention", {"q", "k", "v"}, {"y"},
                                           {{"num_heads", test::int_attr(2)}, {"unidirectional", test::int_attr(1)}}),
                                   {{"q", x}, {"k", x}, {"v", x}}),
                             "unidirectional attention is not supported"));
  EXPECT_TRUE(test::Contains(error(contrib("MultiHeadAttention", {"q", "k", "v", "", "", "", "past"}, {"y"},
                                           {{"num_heads", test::int_attr(2)}}),
                                   {{"q", x}, {"k", x}, {"v", x}, {"past", test::random_tensor({1, 2, 2, 2}, 2)}}),
                             "input 6 (past state or cache) is not supported"));
  EXPECT_TRUE(test::Contains(error(contrib("MultiHeadAttention", {"q", "k", "v", "", "", "ab"}, {"y"},
                                           {{"num_heads", test::int_attr(2)}}),
                                   {{"q", x}, {"k", x}, {"v", x}, {"ab", test::random_tensor({1, 3, 2, 2}, 2)}}),
                             "attention_bias dim 1 is neither 1 nor the num_heads"));
  EXPECT_TRUE(test::Contains(error(contrib("MultiHeadAttention", {"q", "k", "v"}, {"y"}, {{"num_heads", test::int_attr(3)}}),
                                   {{"q", x}, {"k", x}, {"v", x}}),
                             "query hidden size 4 is not a multiple of num_heads 3"));
}

// x [2, 3, 5] projected by W [5, 12] (qkv_hidden_sizes 4, 4, 4) or [5, 10] (4, 4, 2).
TEST(ContribAttention, EqualsMultiHeadAttentionOnTheProjections) {
  for (const int64_t v_hidden : {4, 2}) {
    const int64_t packed = 8 + v_hidden;
    const Tensor x = test::random_tensor({2, 3, 5}, 12), w = test::random_tensor({5, packed}, 13),
                 bias = test::random_tensor({packed}, 14);
    const std::vector<float> xs = float_values(x), ws = float_values(w), bs = float_values(bias);
    std::vector<double> q, k, v;  // [2, 3, width] each, with their bias
    for (int64_t r = 0; r < 6; ++r)
      for (int64_t c = 0; c < packed; ++c) {
        double dot = bs[c];
        for (int64_t i = 0; i < 5; ++i) dot += double(xs[r * 5 + i]) * ws[i * packed + c];
        (c < 4 ? q : c < 8 ? k : v).push_back(dot);
      }
    const std::vector<int> keep = {1, 1, 1, 1, 1, 0};
    const std::vector<double> want = attention(q, k, v, 2, 3, 3, 2, 2, v_hidden / 2, 1 / std::sqrt(2.0), keep, -10000.0);
    std::map<std::string, Attribute> attrs = {{"num_heads", test::int_attr(2)}};
    if (v_hidden != 4) attrs["qkv_hidden_sizes"] = test::ints_attr({4, 4, v_hidden});
    const Node node = contrib("Attention", {"x", "w", "bias", "mask"}, {"y"}, attrs);
    for (const Tensor& mask : {int32_tensor({2, 3}, {1, 1, 1, 1, 1, 0}), int32_tensor({2}, {3, 2})}) {
      const std::vector<Tensor> out = OneNode{node, {{"x", x}, {"w", w}, {"bias", bias}, {"mask", mask}}}.run();
      EXPECT_EQ(out[0].shape(), (Shape{2, 3, v_hidden}));
      expect_near(float_values(out[0]), want);
    }
  }
}

TEST(ContribAttention, RefusesPastStateAndOtherMaskLayouts) {
  const Tensor x = test::random_tensor({2, 3, 4}, 1), w = test::random_tensor({4, 12}, 2);
  const Node past = contrib("Attention", {"x", "w", "", "", "past"}, {"y"}, {{"num_heads", test::int_attr(2)}});
  EXPECT_TRUE(test::Contains(
      test::error_of([&] { OneNode{past, {{"x", x}, {"w", w}, {"past", test::random_tensor({2, 2, 2, 1, 2}, 3)}}}.run(); }),
      "past state"));
  const Node left_padding = contrib("Attention", {"x", "w", "", "mask"}, {"y"}, {{"num_heads", test::int_attr(2)}});
  EXPECT_TRUE(test::Contains(
      test::error_of([&] { OneNode{left_padding, {{"x", x}, {"w", w}, {"mask", int32_tensor({4}, {3, 3, 0, 0})}}}.run(); }),
      "only [batch] key lengths (2) are supported"));
}

TEST(ContribEmbedLayerNormalization, SumsLooksUpAndNormalises) {
  const Tensor ids = int32_tensor({2, 3}, {4, 0, 9, 1, 2, 3});
  const Tensor segments = test::int64_tensor({2, 3}, {0, 0, 1, 0, 1, 1});
  const Tensor mask = int32_tensor({2, 3}, {1, 1, 1, 1, 1, 0});
  const Tensor positions = int32_tensor({1, 3}, {2, 1, 0});
  const Tensor word = test::random_tensor({10, 5}, 20), pos = test::random_tensor({4, 5}, 21),
               seg = test::random_tensor({2, 5}, 22), gamma = test::random_tensor({5}, 23),
               beta = test::random_tensor({5}, 24);
  for (const bool explicit_positions : {false, true}) {
    std::vector<double> sum;
    for (int64_t t = 0; t < 6; ++t)
      for (int64_t c = 0; c < 5; ++c) {
        const int64_t p = explicit_positions ? positions.int_at(t % 3) : t % 3;
        sum.push_back(double(word.data<float>()[ids.int_at(t) * 5 + c]) + pos.data<float>()[p * 5 + c] +
                      seg.data<float>()[segments.int_at(t) * 5 + c]);
      }
    std::vector<std::string> inputs = {"ids", "segments", "word", "pos", "seg", "gamma", "beta", "mask"};
    std::vector<std::pair<std::string, Tensor>> feeds = {{"ids", ids},     {"segments", segments}, {"word", word},
                                                         {"pos", pos},     {"seg", seg},           {"gamma", gamma},
                                                         {"beta", beta},   {"mask", mask}};
    if (explicit_positions) {
      inputs.push_back("positions");
      feeds.emplace_back("positions", positions);
    }
    const Node node = contrib("EmbedLayerNormalization", inputs, {"y", "mask_index", "sum"},
                              {{"epsilon", test::float_attr(1e-6f)}});
    const std::vector<Tensor> out = OneNode{node, feeds}.run();
    expect_near(float_values(out[0]), layer_norm(sum, 5, float_values(gamma), float_values(beta), 1e-6));
    ASSERT_EQ(out[1].dtype(), DType::kInt32);
    EXPECT_EQ(out[1].to_int64_vector(), (std::vector<int64_t>{3, 2}));
    expect_near(float_values(out[2]), sum);
  }
}

TEST(ContribEmbedLayerNormalization, RefusesIdsOutsideTheirTable) {
  const Node node = contrib("EmbedLayerNormalization", {"ids", "", "word", "pos", "", "gamma", "beta"}, {"y"});
  const OneNode op{node,
                   {{"ids", int32_tensor({1, 2}, {1, 7})}, {"word", test::random_tensor({5, 3}, 1)},
                    {"pos", test::random_tensor({4, 3}, 2)}, {"gamma", test::random_tensor({3}, 3)},
                    {"beta", test::random_tensor({3}, 4)}}};
  EXPECT_TRUE(test::Contains(test::error_of([&] { op.run(); }), "7"));
}

}  // namespace
}  // namespace xenc
