#include <gtest/gtest.h>

#include "graph/ir.h"
#include "graph/value_type.h"
#include "graph_builders.h"

namespace xenc {
namespace {

using test::Contains;
using test::error_of;

Node node_with_attrs() {
  Node n = test::make_node("Gemm", "layer0/gemm", {"a", "b"}, {"y"},
                           {{"alpha", test::float_attr(0.5f)},
                            {"transB", test::int_attr(1)},
                            {"mode", test::string_attr("constant")},
                            {"perm", test::ints_attr({2, 0, 1})},
                            {"scales", test::floats_attr({1.5f, 2.5f})},
                            {"value", test::tensor_attr(test::float_tensor({2}, {3, 4}))}},
                           11);
  return n;
}

TEST(Node, AttributeAccessorsReturnPresentValues) {
  const Node n = node_with_attrs();
  EXPECT_EQ(n.attr_float("alpha", 1.0f), 0.5f);
  EXPECT_EQ(n.attr_int("transB", 0), 1);
  EXPECT_EQ(n.attr_string("mode", "reflect"), "constant");
  EXPECT_EQ(n.attr_ints("perm"), (std::vector<int64_t>{2, 0, 1}));
  EXPECT_EQ(n.attr_floats("scales"), (std::vector<float>{1.5f, 2.5f}));
  const Tensor* t = n.attr_tensor("value");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(test::float_values(*t), (std::vector<float>{3, 4}));
  EXPECT_TRUE(n.has_attr("alpha"));
  EXPECT_EQ(n.find_attr("alpha"), &n.attrs.at("alpha"));
}

TEST(Node, AttributeAccessorsFallBackWhenAbsent) {
  const Node n = node_with_attrs();
  EXPECT_EQ(n.attr_float("beta", 0.25f), 0.25f);
  EXPECT_EQ(n.attr_int("transA", 7), 7);
  EXPECT_EQ(n.attr_string("direction", "forward"), "forward");
  EXPECT_EQ(n.attr_ints("axes", {3, 4}), (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(n.attr_ints("axes").empty());
  EXPECT_EQ(n.attr_floats("biases", {9.0f}), (std::vector<float>{9.0f}));
  EXPECT_EQ(n.attr_tensor("sparse_value"), nullptr);
  EXPECT_FALSE(n.has_attr("beta"));
  EXPECT_EQ(n.find_attr("beta"), nullptr);
}

TEST(Node, WrongAttributeKindIsAnErrorNamingTheAttributeAndNode) {
  const Node n = node_with_attrs();
  // Each accessor, applied to an attribute of another kind.
  const std::string as_int = error_of([&] { n.attr_int("alpha", 0); });
  EXPECT_TRUE(Contains(as_int, "'alpha'"));
  EXPECT_TRUE(Contains(as_int, "layer0/gemm"));
  EXPECT_TRUE(Contains(as_int, "float"));
  EXPECT_TRUE(Contains(as_int, "int"));

  EXPECT_TRUE(Contains(error_of([&] { n.attr_float("transB", 0); }), "'transB'"));
  EXPECT_TRUE(Contains(error_of([&] { n.attr_string("perm", ""); }), "'perm'"));
  EXPECT_TRUE(Contains(error_of([&] { n.attr_ints("scales"); }), "'scales'"));
  EXPECT_TRUE(Contains(error_of([&] { n.attr_floats("perm"); }), "'perm'"));
  EXPECT_TRUE(Contains(error_of([&] { n.attr_tensor("mode"); }), "'mode'"));
  // A single int is not silently read as a list, nor a list as a single int.
  EXPECT_THROW(n.attr_ints("transB"), Error);
  EXPECT_THROW(n.attr_int("perm", 0), Error);
}

TEST(Node, DescribeNamesOpNodeDomainAndOpset) {
  Node n = test::make_node("Add", "encoder/add_3", {"a", "b"}, {"c"}, {}, 14);
  EXPECT_EQ(n.describe(), "Add node 'encoder/add_3' (domain 'ai.onnx', opset 14)");
  n.domain = "com.microsoft";
  n.opset = 1;
  EXPECT_EQ(n.describe(), "Add node 'encoder/add_3' (domain 'com.microsoft', opset 1)");
}

TEST(Node, OmittedOptionalInputsAndOutputs) {
  const Node n = test::make_node("Clip", "clip", {"x", "", "max"}, {"y", ""});
  EXPECT_TRUE(n.has_input(0));
  EXPECT_FALSE(n.has_input(1));
  EXPECT_TRUE(n.has_input(2));
  EXPECT_FALSE(n.has_input(3));
  EXPECT_TRUE(n.has_output(0));
  EXPECT_FALSE(n.has_output(1));
  EXPECT_FALSE(n.has_output(2));
}

TEST(Graph, OpsetAndInitializerLookups) {
  Graph g = test::make_graph(17);
  g.opsets["com.microsoft"] = 1;
  g.initializers["w"] = test::float_tensor({1}, {1});
  EXPECT_EQ(g.opset(""), 17);
  EXPECT_EQ(g.opset("com.microsoft"), 1);
  EXPECT_EQ(g.opset("ai.onnx.ml"), 0);
  EXPECT_TRUE(g.is_initializer("w"));
  EXPECT_FALSE(g.is_initializer("x"));
}

TEST(Dim, ConstructorsAndStrings) {
  EXPECT_TRUE(Dim::known(0).is_known());
  EXPECT_EQ(Dim::known(5).value, 5);
  EXPECT_FALSE(Dim::named("batch").is_known());
  EXPECT_FALSE(Dim::unknown().is_known());
  EXPECT_EQ(Dim::known(5).str(), "5");
  EXPECT_EQ(Dim::named("batch").str(), "batch");
  EXPECT_EQ(Dim::unknown().str(), "?");
}

TEST(Dim, EqualityOnlyForSameNumberOrSameName) {
  EXPECT_EQ(Dim::known(3), Dim::known(3));
  EXPECT_FALSE(Dim::known(3) == Dim::known(4));
  EXPECT_EQ(Dim::named("seq"), Dim::named("seq"));
  EXPECT_FALSE(Dim::named("seq") == Dim::named("batch"));
  // Two anonymous unknown dims may differ at run time, so they are not equal.
  EXPECT_FALSE(Dim::unknown() == Dim::unknown());
  EXPECT_FALSE(Dim::named("seq") == Dim::unknown());
  EXPECT_FALSE(Dim::unknown() == Dim::named("seq"));
  EXPECT_FALSE(Dim::known(3) == Dim::named("seq"));
  EXPECT_FALSE(Dim::named("seq") == Dim::known(3));
}

TEST(SymShape, ConversionsAndStrings) {
  const SymShape s = to_sym_shape({2, 0, 7});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], Dim::known(2));
  EXPECT_EQ(s[1], Dim::known(0));
  EXPECT_EQ(s[2], Dim::known(7));
  EXPECT_EQ(to_concrete(s), (std::optional<Shape>(Shape{2, 0, 7})));
  EXPECT_EQ(to_concrete({}), (std::optional<Shape>(Shape{})));

  const SymShape sym{Dim::named("batch"), Dim::unknown(), Dim::known(3)};
  EXPECT_FALSE(to_concrete(sym).has_value());
  EXPECT_EQ(sym_shape_str(sym), "[batch,?,3]");
  EXPECT_EQ(sym_shape_str({}), "[]");

  EXPECT_EQ((ValueType{DType::kFloat, sym}).str(), "float[batch,?,3]");
  EXPECT_EQ((ValueType{DType::kInt64, std::nullopt}).str(), "int64[rank ?]");
  EXPECT_EQ((ValueType{DType::kBool, SymShape{}}).str(), "bool[]");
}

}  // namespace
}  // namespace xenc
