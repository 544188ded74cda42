#include <gtest/gtest.h>

#include "fusion_test_util.h"

namespace xenc {
namespace {

using test::make_node;

struct LayerNormGraph {
  std::vector<int64_t> axes = {-1};
  float exponent = 2.0f;
  bool square_by_mul = false;
  bool epsilon_first = false;   // Add(eps, var) instead of Add(var, eps)
  bool centered_is_output = false;  // the Sub result is also a graph output
  int opset = 13;               // 18 moves ReduceMean's axes to an input
};

// x [2, 3, 8] through the decomposed layer norm of torch exports.
Graph layer_norm_graph(const LayerNormGraph& p) {
  Graph g = test::make_graph(p.opset);
  test::add_input(g, "x", DType::kFloat, {Dim::known(2), Dim::known(3), Dim::known(8)});
  g.initializers["two"] = test::scalar(p.exponent);
  g.initializers["eps"] = test::scalar(1e-5f);
  g.initializers["gamma"] = test::random_tensor({8}, 1);
  g.initializers["beta"] = test::random_tensor({8}, 2);
  g.initializers["axes"] = test::int64_tensor({static_cast<int64_t>(p.axes.size())}, p.axes);
  const auto mean = [&](const std::string& name, const std::string& in, const std::string& out) {
    if (p.opset >= 18) return make_node("ReduceMean", name, {in, "axes"}, {out}, {}, p.opset);
    return make_node("ReduceMean", name, {in}, {out}, {{"axes", test::ints_attr(p.axes)}}, p.opset);
  };
  g.nodes.push_back(mean("mean", "x", "mu"));
  g.nodes.push_back(make_node("Sub", "sub", {"x", "mu"}, {"d"}, {}, p.opset));
  g.nodes.push_back(p.square_by_mul ? make_node("Mul", "sq", {"d", "d"}, {"d2"}, {}, p.opset)
                                    : make_node("Pow", "sq", {"d", "two"}, {"d2"}, {}, p.opset));
  g.nodes.push_back(mean("var", "d2", "v"));
  g.nodes.push_back(p.epsilon_first ? make_node("Add", "add_eps", {"eps", "v"}, {"ve"}, {}, p.opset)
                                    : make_node("Add", "add_eps", {"v", "eps"}, {"ve"}, {}, p.opset));
  g.nodes.push_back(make_node("Sqrt", "sqrt", {"ve"}, {"sd"}, {}, p.opset));
  g.nodes.push_back(make_node("Div", "div", {"d", "sd"}, {"n"}, {}, p.opset));
  g.nodes.push_back(make_node("Mul", "scale", {"n", "gamma"}, {"s"}, {}, p.opset));
  g.nodes.push_back(make_node("Add", "ln/shift", {"beta", "s"}, {"y"}, {}, p.opset));
  test::add_output(g, "y");
  if (p.centered_is_output) test::add_output(g, "d");
  return g;
}

std::map<std::string, Tensor> feeds() { return {{"x", test::random_tensor({2, 3, 8}, 3)}}; }

TEST(FuseLayerNorm, FusesTheDecomposedPattern) {
  const Graph g = layer_norm_graph({});
  const Graph fused = test::optimized(g);
  ASSERT_EQ(fused.nodes.size(), 1u);
  const Node& ln = fused.nodes[0];
  EXPECT_EQ(ln.op_type, "LayerNormalization");
  EXPECT_EQ(ln.inputs, (std::vector<std::string>{"x", "gamma", "beta"}));
  EXPECT_EQ(ln.outputs, (std::vector<std::string>{"y"}));
  EXPECT_EQ(ln.name, "ln/LayerNormalization");
  EXPECT_EQ(ln.attr_int("axis", 0), -1);
  EXPECT_FLOAT_EQ(ln.attr_float("epsilon", 0), 1e-5f);
  test::expect_same_outputs(g, feeds());
}

TEST(FuseLayerNorm, FusesCommutedAndAlternativeForms) {
  for (const LayerNormGraph& p : {LayerNormGraph{.square_by_mul = true}, LayerNormGraph{.epsilon_first = true},
                                  LayerNormGraph{.opset = 18}}) {
    const Graph g = layer_norm_graph(p);
    EXPECT_EQ(test::op_counts(test::optimized(g)), (std::map<std::string, int>{{"LayerNormalization", 1}}));
    test::expect_same_outputs(g, feeds());
  }
}

TEST(FuseLayerNorm, LeavesNearMissesAlone) {
  // Not the last axis, not a square, and a centered value read outside the pattern.
  for (const LayerNormGraph& p : {LayerNormGraph{.axes = {1}}, LayerNormGraph{.exponent = 4.0f},
                                  LayerNormGraph{.centered_is_output = true}}) {
    Graph g = layer_norm_graph(p);
    EXPECT_FALSE(fuse_layer_norm(g, OpRegistry::instance()));
    EXPECT_EQ(test::count_of(test::optimized(g), "LayerNormalization"), 0);
    test::expect_same_outputs(g, feeds());
  }
}

}  // namespace
}  // namespace xenc
