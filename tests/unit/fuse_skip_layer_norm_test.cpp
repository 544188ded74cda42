#include <gtest/gtest.h>

#include "fusion_test_util.h"

namespace xenc {
namespace {

using test::make_node;

struct SkipGraph {
  bool bias = false;            // the first operand is Add(dense, bias)
  bool sum_read_elsewhere = false;
  int64_t axis = -1;
  int64_t hidden = 8;           // gamma/beta length (1: broadcast gamma, left alone)
  bool mean_output = false;     // LayerNormalization's Mean output requested
};

// LayerNormalization(Add(dense (+ bias), residual)) over [2, 3, 8]; the
// residual is [1, 3, 8] and broadcasts.
Graph skip_graph(const SkipGraph& p) {
  Graph g = test::make_graph(17);
  test::add_input(g, "dense", DType::kFloat, {Dim::known(2), Dim::known(3), Dim::known(8)});
  test::add_input(g, "residual", DType::kFloat, {Dim::known(1), Dim::known(3), Dim::known(8)});
  g.initializers["gamma"] = test::random_tensor({p.hidden}, 6);
  g.initializers["beta"] = test::random_tensor({p.hidden}, 7);
  g.initializers["bias"] = test::random_tensor({8}, 8);
  std::string a = "dense";
  if (p.bias) {
    g.nodes.push_back(make_node("Add", "dense/add", {"bias", "dense"}, {"biased"}, {}, 17));
    a = "biased";
  }
  g.nodes.push_back(make_node("Add", "out/add", {a, "residual"}, {"sum"}, {}, 17));
  std::vector<std::string> outputs = {"y"};
  if (p.mean_output) outputs.push_back("mean");
  g.nodes.push_back(make_node("LayerNormalization", "out/LayerNorm/LayerNormalization", {"sum", "gamma", "beta"},
                              outputs, {{"axis", test::int_attr(p.axis)}, {"epsilon", test::float_attr(1e-6f)}}, 17));
  test::add_output(g, "y");
  if (p.sum_read_elsewhere) {
    g.nodes.push_back(make_node("Neg", "elsewhere", {"sum"}, {"neg_sum"}, {}, 17));
    test::add_output(g, "neg_sum");
  }
  return g;
}

std::map<std::string, Tensor> feeds() {
  return {{"dense", test::random_tensor({2, 3, 8}, 9)}, {"residual", test::random_tensor({1, 3, 8}, 10)}};
}

TEST(FuseSkipLayerNorm, FusesAddThenLayerNorm) {
  const Graph g = skip_graph({});
  const Graph fused = test::optimized(g);
  ASSERT_EQ(fused.nodes.size(), 1u);
  const Node& n = fused.nodes[0];
  EXPECT_EQ(n.domain, "com.microsoft");
  EXPECT_EQ(n.op_type, "SkipLayerNormalization");
  EXPECT_EQ(n.inputs, (std::vector<std::string>{"dense", "residual", "gamma", "beta"}));
  EXPECT_EQ(n.outputs, (std::vector<std::string>{"y"}));
  EXPECT_FLOAT_EQ(n.attr_float("epsilon", 0), 1e-6f);
  test::expect_same_outputs(g, feeds());
}

TEST(FuseSkipLayerNorm, FoldsTheBiasAdd) {
  const Graph g = skip_graph({.bias = true});
  const Graph fused = test::optimized(g);
  ASSERT_EQ(fused.nodes.size(), 1u);
  EXPECT_EQ(fused.nodes[0].inputs, (std::vector<std::string>{"dense", "residual", "gamma", "beta", "bias"}));
  test::expect_same_outputs(g, feeds());
}

TEST(FuseSkipLayerNorm, ReturnsTheSumToItsOtherReaders) {
  const Graph g = skip_graph({.bias = true, .sum_read_elsewhere = true});
  const Graph fused = test::optimized(g);
  EXPECT_EQ(test::op_counts(fused),
            (std::map<std::string, int>{{"Neg", 1}, {"com.microsoft.SkipLayerNormalization", 1}}));
  const Node& n = fused.nodes[0];
  EXPECT_EQ(n.outputs, (std::vector<std::string>{"y", "", "", "sum"}));
  test::expect_same_outputs(g, feeds());
}

TEST(FuseSkipLayerNorm, LeavesNearMissesAlone) {
  for (const SkipGraph& p : {SkipGraph{.axis = 1}, SkipGraph{.hidden = 1}, SkipGraph{.mean_output = true}}) {
    Graph g = skip_graph(p);
    EXPECT_FALSE(fuse_skip_layer_norm(g, OpRegistry::instance()));
  }
  test::expect_same_outputs(skip_graph({.hidden = 1}), feeds());
}

}  // namespace
}  // namespace xenc
