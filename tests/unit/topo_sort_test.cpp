#include <gtest/gtest.h>

#include <set>

#include "graph/topo_sort.h"
#include "graph_builders.h"

namespace xenc {
namespace {

using test::Contains;
using test::error_of;
using test::make_node;

std::vector<std::string> node_names(const Graph& g) {
  std::vector<std::string> names;
  for (const Node& n : g.nodes) names.push_back(n.name);
  return names;
}

// Every input is a graph input, an initializer, or an output of an earlier node.
void expect_sorted(const Graph& g) {
  std::set<std::string> available;
  for (const auto& in : g.inputs) available.insert(in.name);
  for (const auto& [name, t] : g.initializers) available.insert(name);
  for (const Node& n : g.nodes) {
    for (const std::string& in : n.inputs)
      EXPECT_TRUE(in.empty() || available.count(in)) << n.name << " reads '" << in << "' before it is produced";
    for (const std::string& out : n.outputs) available.insert(out);
  }
}

Graph diamond_graph() {
  Graph g = test::make_graph();
  test::add_input(g, "x", DType::kFloat, {Dim::known(2)});
  g.initializers["w"] = test::float_tensor({2}, {1, 2});
  g.nodes.push_back(make_node("Relu", "a", {"x"}, {"a_out"}));
  g.nodes.push_back(make_node("Neg", "b", {"a_out"}, {"b_out"}));
  g.nodes.push_back(make_node("Exp", "unrelated", {"w"}, {"u_out"}));
  g.nodes.push_back(make_node("Abs", "c", {"a_out"}, {"c_out"}));
  g.nodes.push_back(make_node("Add", "d", {"b_out", "c_out"}, {"d_out"}));
  test::add_output(g, "d_out");
  test::add_output(g, "u_out");
  return g;
}

TEST(TopoSort, SortedGraphKeepsItsOrder) {
  Graph g = diamond_graph();
  const std::vector<std::string> before = node_names(g);
  topo_sort(g);
  EXPECT_EQ(node_names(g), before);
  // Nodes are moved, not rebuilt: their contents survive.
  EXPECT_EQ(g.nodes[4].inputs, (std::vector<std::string>{"b_out", "c_out"}));
  EXPECT_EQ(g.nodes[4].op_type, "Add");
}

TEST(TopoSort, ReordersAnUnsortedGraphStably) {
  Graph g = diamond_graph();
  // Reverse the nodes: every dependency now points forward.
  std::reverse(g.nodes.begin(), g.nodes.end());  // d, c, unrelated, b, a
  topo_sort(g);
  expect_sorted(g);
  // Among ready nodes the earlier original position goes first.
  EXPECT_EQ(node_names(g), (std::vector<std::string>{"unrelated", "a", "c", "b", "d"}));
}

TEST(TopoSort, OmittedOptionalInputsAreIgnored) {
  Graph g = test::make_graph();
  test::add_input(g, "x", DType::kFloat, {Dim::known(2)});
  g.nodes.push_back(make_node("Clip", "clip", {"r", "", "hi"}, {"y"}));
  g.nodes.push_back(make_node("Relu", "relu", {"x"}, {"r"}));
  g.nodes.push_back(make_node("Constant", "hi_const", {}, {"hi"}));
  topo_sort(g);
  expect_sorted(g);
  EXPECT_EQ(node_names(g), (std::vector<std::string>{"relu", "hi_const", "clip"}));
}

TEST(TopoSort, CycleIsAnErrorNamingANodeOfTheCycle) {
  Graph g = test::make_graph();
  test::add_input(g, "x", DType::kFloat, {Dim::known(2)});
  // "downstream" only reads the cycle; it is listed first so that a report of
  // the first stuck node would name it rather than a node of the cycle.
  g.nodes.push_back(make_node("Relu", "downstream", {"cyc_c"}, {"y"}));
  g.nodes.push_back(make_node("Relu", "fine", {"x"}, {"f"}));
  g.nodes.push_back(make_node("Add", "cyc_a", {"x", "cyc_c"}, {"cyc_a_out"}));
  g.nodes.push_back(make_node("Neg", "cyc_b", {"cyc_a_out"}, {"cyc_b_out"}));
  g.nodes.push_back(make_node("Abs", "cyc_c_node", {"cyc_b_out"}, {"cyc_c"}));
  const std::string msg = error_of([&] { topo_sort(g); });
  EXPECT_TRUE(Contains(msg, "cycle"));
  EXPECT_TRUE(Contains(msg, "'cyc_"));
  EXPECT_FALSE(Contains(msg, "downstream"));
  EXPECT_FALSE(Contains(msg, "'fine'"));
}

TEST(TopoSort, SelfLoopIsACycle) {
  Graph g = test::make_graph();
  test::add_input(g, "x", DType::kFloat, {Dim::known(2)});
  g.nodes.push_back(make_node("Add", "loop", {"x", "loop_out"}, {"loop_out"}));
  const std::string msg = error_of([&] { topo_sort(g); });
  EXPECT_TRUE(Contains(msg, "'loop'"));
  EXPECT_TRUE(Contains(msg, "cycle"));
}

TEST(TopoSort, InputNobodyProducesIsAnErrorNamingNodeAndValue) {
  Graph g = diamond_graph();
  g.nodes.push_back(make_node("Mul", "reader", {"d_out", "ghost"}, {"m"}));
  const std::string msg = error_of([&] { topo_sort(g); });
  EXPECT_TRUE(Contains(msg, "'reader'"));
  EXPECT_TRUE(Contains(msg, "'ghost'"));
}

}  // namespace
}  // namespace xenc
