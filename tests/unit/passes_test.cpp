#include <gtest/gtest.h>

#include <cstring>

#include "graph/passes/passes.h"
#include "graph/topo_sort.h"
#include "graph_builders.h"
#include "ops/registry.h"
#include "runtime/session.h"

namespace xenc {
namespace {

using test::make_node;

const OpResolver& ops() { return OpRegistry::instance(); }

std::vector<std::string> node_names(const Graph& g) {
  std::vector<std::string> names;
  for (const Node& n : g.nodes) names.push_back(n.name);
  return names;
}

// x[2] + ((Constant c = [1,2]) + w[2]) -> y
Graph constant_chain_graph() {
  Graph g = test::make_graph(14);
  test::add_input(g, "x", DType::kFloat, {Dim::known(2)});
  g.initializers["w"] = test::float_tensor({2}, {10, 20});
  g.nodes.push_back(
      make_node("Constant", "c", {}, {"c_out"}, {{"value", test::tensor_attr(test::float_tensor({2}, {1, 2}))}}));
  g.nodes.push_back(make_node("Add", "fold_me", {"c_out", "w"}, {"s"}));
  g.nodes.push_back(make_node("Add", "keep_me", {"x", "s"}, {"y"}));
  test::add_output(g, "y");
  return g;
}

TEST(FoldConstants, FoldsAConstantChainAndKeepsNodesFedByInputs) {
  Graph g = constant_chain_graph();
  EXPECT_TRUE(fold_constants(g, ops()));
  EXPECT_EQ(node_names(g), (std::vector<std::string>{"keep_me"}));
  EXPECT_EQ(g.nodes[0].inputs, (std::vector<std::string>{"x", "s"}));
  ASSERT_TRUE(g.is_initializer("s"));
  EXPECT_EQ(g.initializers.at("s").shape(), (Shape{2}));
  EXPECT_EQ(test::float_values(g.initializers.at("s")), (std::vector<float>{11, 22}));
  // Nothing left to fold: a second run reports no change.
  EXPECT_FALSE(fold_constants(g, ops()));
}

TEST(FoldConstants, LeavesAGraphOutputComputed) {
  Graph g = test::make_graph(14);
  g.initializers["a"] = test::float_tensor({2}, {1, 2});
  g.initializers["b"] = test::float_tensor({2}, {3, 4});
  g.nodes.push_back(make_node("Add", "ab", {"a", "b"}, {"ab_out"}));
  g.nodes.push_back(make_node("Neg", "final", {"ab_out"}, {"out"}));
  test::add_output(g, "out");
  EXPECT_TRUE(fold_constants(g, ops()));
  EXPECT_EQ(node_names(g), (std::vector<std::string>{"final"}));
  EXPECT_TRUE(g.is_initializer("ab_out"));
  EXPECT_FALSE(g.is_initializer("out"));
}

TEST(FoldConstants, NodeWithOnlyAGraphOutputIsNotFolded) {
  Graph g = test::make_graph(14);
  g.nodes.push_back(make_node("Constant", "c", {}, {"out"}, {{"value", test::tensor_attr(test::float_tensor({1}, {5}))}}));
  test::add_output(g, "out");
  EXPECT_FALSE(fold_constants(g, ops()));
  EXPECT_EQ(node_names(g), (std::vector<std::string>{"c"}));
  EXPECT_FALSE(g.is_initializer("out"));
}

// Builds Expand or ConstantOfShape producing a float tensor of `dims`, read by Add(x, big).
Graph big_constant_graph(const std::string& op, const std::vector<int64_t>& dims) {
  Graph g = test::make_graph(14);
  test::add_input(g, "x", DType::kFloat, {Dim::known(1)});
  g.initializers["dims"] = test::int64_tensor({static_cast<int64_t>(dims.size())}, dims);
  if (op == "Expand") {
    g.initializers["one"] = test::float_tensor({1}, {1});
    g.nodes.push_back(make_node("Expand", "big", {"one", "dims"}, {"big_out"}));
  } else {
    g.nodes.push_back(make_node("ConstantOfShape", "big", {"dims"}, {"big_out"},
                                {{"value", test::tensor_attr(test::float_tensor({1}, {1}))}}));
  }
  g.nodes.push_back(make_node("Add", "use", {"x", "big_out"}, {"y"}));
  test::add_output(g, "y");
  return g;
}

TEST(FoldConstants, RespectsTheSizeCap) {
  for (const std::string op : {"Expand", "ConstantOfShape"}) {
    SCOPED_TRACE(op);
    // 5 Mi floats = 20 MiB, over the 16 MiB cap: stays a node.
    Graph big = big_constant_graph(op, {5, 1024, 1024});
    EXPECT_FALSE(fold_constants(big, ops()));
    EXPECT_EQ(node_names(big), (std::vector<std::string>{"big", "use"}));
    EXPECT_FALSE(big.is_initializer("big_out"));

    // The same graph with a small result is folded, so the cap is what stopped it.
    Graph small = big_constant_graph(op, {2, 3});
    EXPECT_TRUE(fold_constants(small, ops()));
    EXPECT_EQ(node_names(small), (std::vector<std::string>{"use"}));
    ASSERT_TRUE(small.is_initializer("big_out"));
    EXPECT_EQ(test::float_values(small.initializers.at("big_out")), (std::vector<float>(6, 1.0f)));
  }
}

TEST(FoldConstants, DecodesStoredTablesOfAnySize) {
  // An int8 table of 5 Mi elements dequantized per row: 20 MiB of floats, over
  // the cap, but no more elements than it stores, so it folds.
  Graph g = test::make_graph(17);
  test::add_input(g, "ids", DType::kInt64, {Dim::known(2)});
  const int64_t rows = 5 * 1024, width = 1024;
  Tensor table(DType::kInt8, {rows, width});
  for (int64_t r = 0; r < rows; ++r) table.data<int8_t>()[r * width] = static_cast<int8_t>(r % 100);
  g.initializers["table_q"] = table;
  g.initializers["scale"] = test::float_tensor({rows}, std::vector<float>(static_cast<size_t>(rows), 0.5f));
  g.nodes.push_back(make_node("DequantizeLinear", "decode", {"table_q", "scale"}, {"table"}, {{"axis", test::int_attr(0)}}));
  g.nodes.push_back(make_node("Gather", "lookup", {"table", "ids"}, {"y"}));
  test::add_output(g, "y");
  EXPECT_TRUE(fold_constants(g, ops()));
  EXPECT_EQ(node_names(g), (std::vector<std::string>{"lookup"}));
  ASSERT_TRUE(g.is_initializer("table"));
  EXPECT_EQ(g.initializers.at("table").data<float>()[7 * width], 3.5f);
}

TEST(EliminateDeadCode, RemovesUnreachableNodesAndUnusedInitializers) {
  Graph g = test::make_graph(14);
  test::add_input(g, "x", DType::kFloat, {Dim::known(2)});
  g.initializers["w"] = test::float_tensor({2}, {1, 2});
  g.initializers["u"] = test::float_tensor({2}, {3, 4});
  g.initializers["unused"] = test::float_tensor({2}, {5, 6});
  g.initializers["out_init"] = test::float_tensor({1}, {7});
  g.nodes.push_back(make_node("Add", "a", {"x", "w"}, {"a_out"}));
  g.nodes.push_back(make_node("Mul", "dead1", {"x", "u"}, {"d1"}));
  g.nodes.push_back(make_node("Relu", "b", {"a_out"}, {"y"}));
  g.nodes.push_back(make_node("Neg", "dead2", {"d1"}, {"d2"}));
  // A node with one live and one dead output stays whole.
  g.nodes.push_back(make_node("Split", "split", {"a_out"}, {"s0", "s1"}, {{"axis", test::int_attr(0)}}));
  test::add_output(g, "y");
  test::add_output(g, "s0");
  test::add_output(g, "out_init");  // an initializer that is itself an output

  EXPECT_TRUE(eliminate_dead_code(g, ops()));
  EXPECT_EQ(node_names(g), (std::vector<std::string>{"a", "b", "split"}));
  EXPECT_EQ(g.nodes[2].outputs, (std::vector<std::string>{"s0", "s1"}));
  EXPECT_TRUE(g.is_initializer("w"));
  EXPECT_TRUE(g.is_initializer("out_init"));
  EXPECT_FALSE(g.is_initializer("u"));
  EXPECT_FALSE(g.is_initializer("unused"));
  EXPECT_EQ(g.initializers.size(), 2u);
  EXPECT_EQ(g.inputs.size(), 1u);
  EXPECT_FALSE(eliminate_dead_code(g, ops()));
}

TEST(EliminateDeadCode, DoesNotDependOnNodeOrder) {
  Graph g = test::make_graph(14);
  test::add_input(g, "x", DType::kFloat, {Dim::known(2)});
  g.initializers["w"] = test::float_tensor({2}, {1, 2});
  // Consumers listed before their producers.
  g.nodes.push_back(make_node("Relu", "last", {"mid"}, {"y"}));
  g.nodes.push_back(make_node("Neg", "dead", {"x"}, {"d"}));
  g.nodes.push_back(make_node("Abs", "middle", {"first_out"}, {"mid"}));
  g.nodes.push_back(make_node("Add", "first", {"x", "w"}, {"first_out"}));
  test::add_output(g, "y");
  EXPECT_TRUE(eliminate_dead_code(g, ops()));
  EXPECT_EQ(node_names(g), (std::vector<std::string>{"last", "middle", "first"}));
  EXPECT_TRUE(g.is_initializer("w"));
}

TEST(EliminateDeadCode, AfterFoldingDropsTheFoldedInputs) {
  Graph g = constant_chain_graph();
  ASSERT_TRUE(fold_constants(g, ops()));
  EXPECT_TRUE(g.is_initializer("c_out"));
  EXPECT_TRUE(eliminate_dead_code(g, ops()));
  EXPECT_FALSE(g.is_initializer("c_out"));
  EXPECT_FALSE(g.is_initializer("w"));
  EXPECT_TRUE(g.is_initializer("s"));
  EXPECT_EQ(node_names(g), (std::vector<std::string>{"keep_me"}));
}

TEST(Pipeline, DefaultPassesKeepSessionOutputsIdentical) {
  // y = Softmax(Relu(x @ (w * Constant 0.5) + (b1 + b2))) with a dead branch.
  Graph g = test::make_graph(14);
  test::add_input(g, "x", DType::kFloat, {Dim::named("batch"), Dim::known(3)});
  std::vector<float> w(12);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.25f * static_cast<float>(i) - 1.3f;
  g.initializers["w"] = test::float_tensor({3, 4}, w);
  g.initializers["b1"] = test::float_tensor({4}, {0.1f, -0.2f, 0.3f, -0.4f});
  g.initializers["b2"] = test::float_tensor({4}, {1.0f, 2.0f, 3.0f, 4.0f});
  g.initializers["orphan"] = test::float_tensor({1}, {9});
  g.nodes.push_back(make_node("Constant", "half", {}, {"half_out"}, {{"value_float", test::float_attr(0.5f)}}));
  g.nodes.push_back(make_node("Mul", "scale_w", {"w", "half_out"}, {"w_scaled"}));
  g.nodes.push_back(make_node("Add", "bias", {"b1", "b2"}, {"b"}));
  g.nodes.push_back(make_node("MatMul", "mm", {"x", "w_scaled"}, {"xw"}));
  g.nodes.push_back(make_node("Add", "add_b", {"xw", "b"}, {"z"}));
  g.nodes.push_back(make_node("Relu", "relu", {"z"}, {"r"}));
  g.nodes.push_back(make_node("Exp", "dead", {"r"}, {"unused"}));
  g.nodes.push_back(make_node("Softmax", "softmax", {"r"}, {"y"}, {{"axis", test::int_attr(-1)}}));
  test::add_output(g, "y");
  test::add_output(g, "r");

  const Session plain(g, SessionOptions{false});
  const Session optimized(g, SessionOptions{true});
  // The passes did something, or the comparison below would prove nothing.
  EXPECT_EQ(plain.graph().nodes.size(), 8u);
  EXPECT_EQ(node_names(optimized.graph()), (std::vector<std::string>{"mm", "add_b", "relu", "softmax"}));
  EXPECT_FALSE(optimized.graph().is_initializer("orphan"));

  for (int64_t batch : {1, 3}) {
    std::vector<float> xs(static_cast<size_t>(batch) * 3);
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<float>(i % 5) - 1.5f;
    const std::map<std::string, Tensor> feeds{{"x", test::float_tensor({batch, 3}, xs)}};
    const std::vector<Tensor> a = plain.run(feeds);
    const std::vector<Tensor> b = optimized.run(feeds);
    ASSERT_EQ(a.size(), 2u);
    ASSERT_EQ(b.size(), 2u);
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].shape(), b[i].shape());
      EXPECT_EQ(a[i].dtype(), b[i].dtype());
      ASSERT_EQ(a[i].nbytes(), b[i].nbytes());
      EXPECT_EQ(std::memcmp(a[i].raw(), b[i].raw(), a[i].nbytes()), 0) << "output " << i << " differs";
    }
    EXPECT_EQ(a[0].shape(), (Shape{batch, 4}));
  }
}

}  // namespace
}  // namespace xenc
