#include <gtest/gtest.h>

#include <cmath>

#include "fusion_test_util.h"

namespace xenc {
namespace {

using test::make_node;

constexpr int64_t kBatch = 2, kSeq = 5, kHidden = 8, kHeads = 2, kHeadSize = 4;

enum class Scaling { kDivide, kMultiply, kQueryAndKey };

struct AttentionGraph {
  Scaling scaling = Scaling::kDivide;
  bool constant_targets = false;   // Reshape targets [0, 0, ...] instead of Shape/Gather/Concat
  bool mask = true;
  float mask_one = 1.0f;           // the 1 of (1 - mask)
  bool probs_is_output = false;    // Softmax's result also a graph output
  bool foreign_shape = false;      // the Q split takes its dims from the input x, not from q
  int64_t softmax_axis = -1;
};

// Hugging Face's eager BERT self-attention as torch exports it (opset 14),
// x [2, 5, 8] with 2 heads of 4, attention_mask [2, 5] int64.
class Builder {
 public:
  explicit Builder(const AttentionGraph& p) : p_(p), g_(test::make_graph(14)) {}

  Graph build() {
    test::add_input(g_, "x", DType::kFloat, {Dim::named("batch"), Dim::named("seq"), Dim::known(kHidden)});
    if (p_.mask) test::add_input(g_, "attention_mask", DType::kInt64, {Dim::named("batch"), Dim::named("seq")});
    for (const char* c : {"q", "k", "v"}) {
      g_.initializers[std::string(c) + ".weight"] = test::random_tensor({kHidden, kHidden}, seed_++);
      g_.initializers[std::string(c) + ".bias"] = test::random_tensor({kHidden}, seed_++);
      node("MatMul", {"x", std::string(c) + ".weight"}, std::string(c) + "_mm");
      node("Add", {std::string(c) + ".bias", std::string(c) + "_mm"}, std::string(c) + "_proj");
    }
    const std::string q = transpose(split("q_proj", p_.foreign_shape ? "x" : "q_proj"), {0, 2, 1, 3});
    const std::string k = split("k_proj", "k_proj");
    const std::string v = transpose(split("v_proj", "v_proj"), {0, 2, 1, 3});
    std::string scores;
    if (p_.scaling == Scaling::kQueryAndKey) {
      const float quarter = std::pow(static_cast<float>(kHeadSize), -0.25f);
      const std::string kt = transpose(transpose(k, {0, 2, 1, 3}), {0, 1, 3, 2});
      scores = node("MatMul", {node("Mul", {q, constant(quarter)}), node("Mul", {constant(quarter), kt})});
    } else {
      const std::string raw = node("MatMul", {q, transpose(k, {0, 2, 3, 1})});
      scores = p_.scaling == Scaling::kDivide ? node("Div", {raw, constant(std::sqrt(float(kHeadSize)))})
                                              : node("Mul", {raw, constant(1.0f / std::sqrt(float(kHeadSize)))});
    }
    if (p_.mask) scores = node("Add", {scores, extended_mask()});
    g_.nodes.push_back(make_node("Softmax", "attn/softmax", {scores}, {"probs"}, {{"axis", test::int_attr(p_.softmax_axis)}}, 14));
    const std::string context = transpose(node("MatMul", {"probs", v}), {0, 2, 1, 3});
    node("Reshape", {context, target(context, {kHidden})}, "attn/out");
    test::add_output(g_, "attn/out");
    if (p_.probs_is_output) test::add_output(g_, "probs");
    return std::move(g_);
  }

 private:
  std::string node(const std::string& op, std::vector<std::string> inputs, std::string out = "",
                   std::map<std::string, Attribute> attrs = {}) {
    const std::string name = "attn/" + op + "_" + std::to_string(counter_++);
    if (out.empty()) out = name + "_out";
    g_.nodes.push_back(make_node(op, name, std::move(inputs), {out}, std::move(attrs), 14));
    return out;
  }
  std::string constant(float v) {
    const std::string name = "c" + std::to_string(counter_++);
    g_.initializers[name] = test::scalar(v);
    return name;
  }
  std::string ints(std::vector<int64_t> v) {
    const std::string name = "i" + std::to_string(counter_++);
    g_.initializers[name] = test::int64_tensor({static_cast<int64_t>(v.size())}, v);
    return name;
  }
  std::string transpose(const std::string& in, std::vector<int64_t> perm) {
    return node("Transpose", {in}, "", {{"perm", test::ints_attr(std::move(perm))}});
  }
  // [dim 0 of shape_of, dim 1 of shape_of] + tail.
  std::string target(const std::string& shape_of, const std::vector<int64_t>& tail) {
    if (p_.constant_targets) {
      std::vector<int64_t> t = {0, 0};
      t.insert(t.end(), tail.begin(), tail.end());
      return ints(t);
    }
    std::vector<std::string> parts;
    for (int64_t axis : {0, 1}) {
      const std::string index = "i" + std::to_string(counter_++);
      g_.initializers[index] = test::int64_tensor({}, {axis});
      parts.push_back(node("Unsqueeze", {node("Gather", {node("Shape", {shape_of}), index}, "", {{"axis", test::int_attr(0)}}), ints({0})}));
    }
    for (int64_t t : tail) parts.push_back(ints({t}));
    return node("Concat", parts, "", {{"axis", test::int_attr(0)}});
  }
  std::string split(const std::string& in, const std::string& shape_of) {
    return node("Reshape", {in, target(shape_of, {kHeads, kHeadSize})});
  }
  std::string extended_mask() {
    const std::string m = node("Unsqueeze", {node("Unsqueeze", {"attention_mask", ints({1})}), ints({2})});
    const std::string f = node("Cast", {m}, "", {{"to", test::int_attr(static_cast<int64_t>(DType::kFloat))}});
    return node("Mul", {node("Sub", {constant(p_.mask_one), f}), constant(-10000.0f)});
  }

  AttentionGraph p_;
  Graph g_;
  uint32_t seed_ = 20;
  int counter_ = 0;
};

Graph attention_graph(const AttentionGraph& p) { return Builder(p).build(); }

std::map<std::string, Tensor> feeds(const AttentionGraph& p) {
  std::map<std::string, Tensor> f = {{"x", test::random_tensor({kBatch, kSeq, kHidden}, 11)}};
  // Row 1 is padded after 3 tokens.
  if (p.mask) f["attention_mask"] = test::int64_tensor({kBatch, kSeq}, {1, 1, 1, 1, 1, 1, 1, 1, 0, 0});
  return f;
}

TEST(FuseAttention, FusesTheEagerSelfAttention) {
  const Graph g = attention_graph({});
  const Graph fused = test::optimized(g);
  EXPECT_EQ(test::op_counts(fused), (std::map<std::string, int>{{"MatMul", 3}, {"com.microsoft.MultiHeadAttention", 1}}));
  const Node& mha = fused.nodes.back();
  EXPECT_EQ(mha.inputs, (std::vector<std::string>{"q_mm", "k_mm", "v_mm", "attn/MultiHeadAttention.qkv_bias",
                                                   "attention_mask"}));
  EXPECT_EQ(mha.outputs, (std::vector<std::string>{"attn/out"}));
  EXPECT_EQ(mha.attr_int("num_heads", 0), kHeads);
  EXPECT_FLOAT_EQ(mha.attr_float("scale", 0), 0.5f);
  EXPECT_FLOAT_EQ(mha.attr_float("mask_filter_value", 0), -10000.0f);
  // The three biases, one after another; the originals are gone.
  const Tensor& bias = fused.initializers.at("attn/MultiHeadAttention.qkv_bias");
  ASSERT_EQ(bias.shape(), (Shape{3 * kHidden}));
  EXPECT_EQ(bias.data<float>()[kHidden], g.initializers.at("k.bias").data<float>()[0]);
  EXPECT_FALSE(fused.is_initializer("q.bias"));
  test::expect_same_outputs(g, feeds({}));
}

TEST(FuseAttention, FusesEveryScalingAndTargetForm) {
  for (const AttentionGraph& p : {AttentionGraph{.scaling = Scaling::kMultiply},
                                  AttentionGraph{.scaling = Scaling::kQueryAndKey},
                                  AttentionGraph{.constant_targets = true}, AttentionGraph{.mask = false},
                                  AttentionGraph{.softmax_axis = 3}}) {
    const Graph g = attention_graph(p);
    const Graph fused = test::optimized(g);
    EXPECT_EQ(test::count_of(fused, "com.microsoft.MultiHeadAttention"), 1);
    EXPECT_NEAR(fused.nodes.back().attr_float("scale", 0), 0.5f, 1e-6f);
    EXPECT_EQ(fused.nodes.back().inputs.size(), p.mask ? 5u : 4u);
    test::expect_same_outputs(g, feeds(p));
  }
}

// (2 - mask) * filter is not a key mask; as any other rank-4 addend of the
// scores it becomes the fused op's attention_bias.
TEST(FuseAttention, AnotherAddendOfTheScoresBecomesTheAttentionBias) {
  const AttentionGraph p{.mask_one = 2.0f};
  Graph g = attention_graph(p);
  EXPECT_TRUE(fuse_attention(g, OpRegistry::instance()));
  const auto mha = std::find_if(g.nodes.begin(), g.nodes.end(),
                                [](const Node& n) { return n.op_type == "MultiHeadAttention"; });
  ASSERT_NE(mha, g.nodes.end());
  ASSERT_EQ(mha->inputs.size(), 6u);
  EXPECT_EQ(mha->inputs[4], "");
  EXPECT_FALSE(mha->attrs.count("mask_filter_value"));
  // Every score gets at least the filter (-10000) added, which leaves it a
  // resolution of 1e-3: the fused and unfused orders of the additions differ by that much.
  test::expect_same_outputs(attention_graph(p), feeds(p), 1e-3f);
}

TEST(FuseAttention, LeavesNearMissesAlone) {
  for (const AttentionGraph& p : {AttentionGraph{.probs_is_output = true},
                                  AttentionGraph{.foreign_shape = true}, AttentionGraph{.softmax_axis = 2}}) {
    Graph g = attention_graph(p);
    EXPECT_FALSE(fuse_attention(g, OpRegistry::instance()));
    test::expect_same_outputs(g, feeds(p));
  }
}

}  // namespace
}  // namespace xenc
