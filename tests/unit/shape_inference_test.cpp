#include <gtest/gtest.h>

#include "graph/shape_inference.h"
#include "graph_builders.h"
#include "ops/registry.h"

namespace xenc {
namespace {

using test::Contains;
using test::error_of;
using test::make_node;

const Dim kBatch = Dim::named("batch");
const Dim kSeq = Dim::named("seq");

// The type's string names every dim (symbols by name, anonymous as "?"), so
// equal strings mean equal types.
::testing::AssertionResult HasType(const Graph& g, const std::string& value, DType dtype, const SymShape& shape) {
  const auto it = g.value_types.find(value);
  if (it == g.value_types.end()) return ::testing::AssertionFailure() << "no type for '" << value << "'";
  const ValueType want{dtype, shape};
  if (it->second.str() == want.str()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << value << "' is " << it->second.str() << ", expected " << want.str();
}

// An embedding lookup and the first steps of self-attention, all symbolic
// in batch and seq:
//   ids[batch,seq] -Gather(table[10,6])-> emb[batch,seq,6]
//   emb + bias[6] -> h[batch,seq,6]
//   h @ w[6,6] -> q[batch,seq,6]
//   Reshape(q, [0,0,2,3]) -> heads[batch,seq,2,3]
//   Transpose(heads, perm 0,2,1,3) -> qt[batch,2,seq,3]
//   Transpose(heads, perm 0,2,3,1) -> kt[batch,2,3,seq]
//   qt @ kt -> scores[batch,2,seq,seq]
//   scores + mask[batch,1,1,seq] -> masked[batch,2,seq,seq]
Graph attention_graph() {
  Graph g = test::make_graph(14);
  test::add_input(g, "ids", DType::kInt64, {kBatch, kSeq});
  test::add_input(g, "mask", DType::kFloat, {kBatch, Dim::known(1), Dim::known(1), kSeq});
  g.initializers["table"] = Tensor(DType::kFloat, {10, 6});
  g.initializers["bias"] = Tensor(DType::kFloat, {6});
  g.initializers["w"] = Tensor(DType::kFloat, {6, 6});
  g.initializers["head_shape"] = test::int64_tensor({4}, {0, 0, 2, 3});
  g.nodes.push_back(make_node("Gather", "embed", {"table", "ids"}, {"emb"}));
  g.nodes.push_back(make_node("Add", "add_bias", {"emb", "bias"}, {"h"}));
  g.nodes.push_back(make_node("MatMul", "proj", {"h", "w"}, {"q"}));
  g.nodes.push_back(make_node("Reshape", "split_heads", {"q", "head_shape"}, {"heads"}));
  g.nodes.push_back(make_node("Transpose", "q_t", {"heads"}, {"qt"}, {{"perm", test::ints_attr({0, 2, 1, 3})}}));
  g.nodes.push_back(make_node("Transpose", "k_t", {"heads"}, {"kt"}, {{"perm", test::ints_attr({0, 2, 3, 1})}}));
  g.nodes.push_back(make_node("MatMul", "scores", {"qt", "kt"}, {"s"}));
  g.nodes.push_back(make_node("Add", "add_mask", {"s", "mask"}, {"masked"}));
  test::add_output(g, "masked");
  return g;
}

TEST(ShapeInference, SymbolicDimsPropagateThroughAttention) {
  Graph g = attention_graph();
  infer_shapes(g, OpRegistry::instance());
  const Dim k2 = Dim::known(2), k3 = Dim::known(3), k6 = Dim::known(6);
  EXPECT_TRUE(HasType(g, "emb", DType::kFloat, {kBatch, kSeq, k6}));
  EXPECT_TRUE(HasType(g, "h", DType::kFloat, {kBatch, kSeq, k6}));
  EXPECT_TRUE(HasType(g, "q", DType::kFloat, {kBatch, kSeq, k6}));
  EXPECT_TRUE(HasType(g, "heads", DType::kFloat, {kBatch, kSeq, k2, k3}));
  EXPECT_TRUE(HasType(g, "qt", DType::kFloat, {kBatch, k2, kSeq, k3}));
  EXPECT_TRUE(HasType(g, "kt", DType::kFloat, {kBatch, k2, k3, kSeq}));
  EXPECT_TRUE(HasType(g, "s", DType::kFloat, {kBatch, k2, kSeq, kSeq}));
  EXPECT_TRUE(HasType(g, "masked", DType::kFloat, {kBatch, k2, kSeq, kSeq}));
  // An undeclared graph output takes the inferred type.
  ASSERT_EQ(g.outputs.size(), 1u);
  EXPECT_EQ(g.outputs[0].type.str(), "float[batch,2,seq,seq]");
}

TEST(ShapeInference, BroadcastKeepsNamesAndTakesKnownDims) {
  Graph g = test::make_graph(14);
  test::add_input(g, "a", DType::kFloat, {kBatch, Dim::known(1), kSeq});
  test::add_input(g, "b", DType::kFloat, {Dim::known(4), Dim::known(1)});
  test::add_input(g, "c", DType::kFloat, {kSeq});
  g.nodes.push_back(make_node("Add", "ab", {"a", "b"}, {"ab_out"}));
  g.nodes.push_back(make_node("Add", "ac", {"a", "c"}, {"ac_out"}));
  infer_shapes(g, OpRegistry::instance());
  EXPECT_TRUE(HasType(g, "ab_out", DType::kFloat, {kBatch, Dim::known(4), kSeq}));
  EXPECT_TRUE(HasType(g, "ac_out", DType::kFloat, {kBatch, Dim::known(1), kSeq}));
}

TEST(ShapeInference, ConcreteShapesWhenEverythingIsKnown) {
  Graph g = test::make_graph(14);
  test::add_input(g, "x", DType::kFloat, {Dim::known(2), Dim::known(12)});
  g.initializers["shape"] = test::int64_tensor({3}, {-1, 3, 2});
  g.nodes.push_back(make_node("Reshape", "r", {"x", "shape"}, {"y"}));
  infer_shapes(g, OpRegistry::instance());
  EXPECT_TRUE(HasType(g, "y", DType::kFloat, {Dim::known(4), Dim::known(3), Dim::known(2)}));
}

TEST(ShapeInference, UnsupportedOpNamesOpDomainOpsetAndNode) {
  Graph g = test::make_graph(14);
  g.opsets["com.example"] = 3;
  test::add_input(g, "x", DType::kFloat, {kBatch});
  Node n = make_node("FancyOp", "block1/fancy", {"x"}, {"y"});
  n.domain = "com.example";
  n.opset = 3;
  g.nodes.push_back(n);
  const std::string msg = error_of<UnsupportedOpError>([&] { infer_shapes(g, OpRegistry::instance()); });
  EXPECT_TRUE(Contains(msg, "FancyOp"));
  EXPECT_TRUE(Contains(msg, "'com.example'"));
  EXPECT_TRUE(Contains(msg, "opset 3"));
  EXPECT_TRUE(Contains(msg, "'block1/fancy'"));
}

TEST(ShapeInference, KnownOpAtUnsupportedOpsetIsUnsupported) {
  // Default-domain opset beyond what xenc implements.
  Node add = make_node("Add", "too_new", {"a", "b"}, {"c"}, {}, kMaxDefaultOpset + 1);
  const std::string msg = error_of<UnsupportedOpError>([&] { resolve_op(add, OpRegistry::instance()); });
  EXPECT_TRUE(Contains(msg, "Add"));
  EXPECT_TRUE(Contains(msg, "'ai.onnx'"));
  EXPECT_TRUE(Contains(msg, "opset " + std::to_string(kMaxDefaultOpset + 1)));
  EXPECT_TRUE(Contains(msg, "'too_new'"));
  // And the same op at a supported opset resolves.
  add.opset = 14;
  EXPECT_STREQ(resolve_op(add, OpRegistry::instance()).op_type, "Add");
}

TEST(ShapeInference, ShapeMismatchNamesTheNode) {
  Graph g = test::make_graph(14);
  test::add_input(g, "x", DType::kFloat, {kBatch, Dim::known(4)});
  g.initializers["w"] = Tensor(DType::kFloat, {5, 3});
  g.nodes.push_back(make_node("Relu", "ok", {"x"}, {"r"}));
  g.nodes.push_back(make_node("MatMul", "encoder/bad_matmul", {"r", "w"}, {"y"}));
  const std::string msg = error_of([&] { infer_shapes(g, OpRegistry::instance()); });
  EXPECT_TRUE(Contains(msg, "MatMul node 'encoder/bad_matmul'"));
  EXPECT_TRUE(Contains(msg, "[5,3]"));

  Graph g2 = test::make_graph(14);
  test::add_input(g2, "a", DType::kFloat, {Dim::known(2), Dim::known(3)});
  test::add_input(g2, "b", DType::kFloat, {Dim::known(4), Dim::known(3)});
  g2.nodes.push_back(make_node("Add", "bad_add", {"a", "b"}, {"c"}));
  EXPECT_TRUE(Contains(error_of([&] { infer_shapes(g2, OpRegistry::instance()); }), "'bad_add'"));
}

TEST(ShapeInference, DtypeMismatchNamesTheNode) {
  Graph g = test::make_graph(14);
  test::add_input(g, "a", DType::kFloat, {Dim::known(2)});
  test::add_input(g, "b", DType::kInt64, {Dim::known(2)});
  g.nodes.push_back(make_node("Add", "mixed", {"a", "b"}, {"c"}));
  EXPECT_TRUE(Contains(error_of([&] { infer_shapes(g, OpRegistry::instance()); }), "'mixed'"));
}

}  // namespace
}  // namespace xenc
