#include <gtest/gtest.h>

#include "fusion_test_util.h"

namespace xenc {
namespace {

using test::make_node;

enum class Order { kHalfLast, kHalfFirst, kHalfWithErf };

struct GeluGraph {
  Order order = Order::kHalfLast;
  bool mul_by_inverse = false;  // x * 0.7071 instead of x / 1.4142
  float half = 0.5f;
  float root2 = 1.41421356f;
  bool bias = false;          // x = h + bias, a 1-D constant
  bool erf_is_output = false;  // Erf's result also a graph output
};

// x [2, 3, 5] through transformers' erf GELU in one of its exported orders.
Graph gelu_graph(const GeluGraph& p) {
  Graph g = test::make_graph(14);
  test::add_input(g, "h", DType::kFloat, {Dim::known(2), Dim::known(3), Dim::known(5)});
  g.initializers["half"] = test::scalar(p.half);
  g.initializers["one"] = test::scalar(1.0f);
  g.initializers["root2"] = test::scalar(p.mul_by_inverse ? 1.0f / p.root2 : p.root2);
  g.initializers["bias"] = test::random_tensor({5}, 4);
  const std::string x = p.bias ? "x" : "h";
  if (p.bias) g.nodes.push_back(make_node("Add", "dense/add", {"bias", "h"}, {"x"}));
  g.nodes.push_back(p.mul_by_inverse ? make_node("Mul", "act/scale", {x, "root2"}, {"xs"})
                                     : make_node("Div", "act/scale", {x, "root2"}, {"xs"}));
  g.nodes.push_back(make_node("Erf", "act/erf", {"xs"}, {"e"}));
  g.nodes.push_back(make_node("Add", "act/add", {"e", "one"}, {"e1"}));
  switch (p.order) {
    case Order::kHalfLast:  // (x * (1 + erf)) * 0.5, as transformers writes it
      g.nodes.push_back(make_node("Mul", "act/mul", {x, "e1"}, {"m"}));
      g.nodes.push_back(make_node("Mul", "act/mul_1", {"m", "half"}, {"y"}));
      break;
    case Order::kHalfFirst:  // (0.5 * x) * (1 + erf)
      g.nodes.push_back(make_node("Mul", "act/mul", {"half", x}, {"m"}));
      g.nodes.push_back(make_node("Mul", "act/mul_1", {"e1", "m"}, {"y"}));
      break;
    case Order::kHalfWithErf:  // (0.5 * (1 + erf)) * x
      g.nodes.push_back(make_node("Mul", "act/mul", {"e1", "half"}, {"m"}));
      g.nodes.push_back(make_node("Mul", "act/mul_1", {x, "m"}, {"y"}));
      break;
  }
  test::add_output(g, "y");
  if (p.erf_is_output) test::add_output(g, "e");
  return g;
}

std::map<std::string, Tensor> feeds() {
  Tensor h = test::random_tensor({2, 3, 5}, 5);
  for (int64_t i = 0; i < h.numel(); ++i) h.data<float>()[i] *= 4.0f;  // reach both tails of erf
  return {{"h", h}};
}

TEST(FuseGelu, FusesEveryExportedOrder) {
  for (const Order order : {Order::kHalfLast, Order::kHalfFirst, Order::kHalfWithErf}) {
    for (const bool inverse : {false, true}) {
      const Graph g = gelu_graph({.order = order, .mul_by_inverse = inverse});
      const Graph fused = test::optimized(g);
      ASSERT_EQ(fused.nodes.size(), 1u);
      EXPECT_EQ(fused.nodes[0].domain, "com.microsoft");
      EXPECT_EQ(fused.nodes[0].op_type, "Gelu");
      EXPECT_EQ(fused.nodes[0].inputs, (std::vector<std::string>{"h"}));
      EXPECT_EQ(fused.nodes[0].outputs, (std::vector<std::string>{"y"}));
      EXPECT_EQ(fused.opsets.at("com.microsoft"), 1);
      test::expect_same_outputs(g, feeds());
    }
  }
}

TEST(FuseGelu, FoldsABiasAddIntoBiasGelu) {
  const Graph g = gelu_graph({.bias = true});
  const Graph fused = test::optimized(g);
  ASSERT_EQ(fused.nodes.size(), 1u);
  EXPECT_EQ(fused.nodes[0].op_type, "BiasGelu");
  EXPECT_EQ(fused.nodes[0].inputs, (std::vector<std::string>{"h", "bias"}));
  EXPECT_EQ(fused.nodes[0].name, "act/BiasGelu");
  test::expect_same_outputs(g, feeds());
}

TEST(FuseGelu, LeavesNearMissesAlone) {
  for (const GeluGraph& p : {GeluGraph{.half = 0.6f}, GeluGraph{.root2 = 1.5f}, GeluGraph{.erf_is_output = true}}) {
    Graph g = gelu_graph(p);
    EXPECT_FALSE(fuse_gelu(g, OpRegistry::instance()));
    test::expect_same_outputs(g, feeds());
  }
}

}  // namespace
}  // namespace xenc
