// pack_mat_mul_weights (ops/fast/weight_packing.h): which MatMuls become
// PackedMatMul and what happens to their weights; sessions that pack against
// the reference kernels and against their own single-sequence runs; and
// PackedMatMul's shape check of the packed weights.
#include "ops/fast/weight_packing.h"

#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "graph/shape_inference.h"
#include "fusion_test_util.h"
#include "graph_builders.h"
#include "ops/registry.h"
#include "ops/x86/packed_sgemm.h"
#include "runtime/session.h"

namespace xenc {
namespace {

using test::Contains;
using test::error_of;
using test::make_node;

const OpResolver& ops() { return OpRegistry::instance(); }

// x[batch, seq, k], symbolic in batch and seq.
void add_sequence_input(Graph& g, const std::string& name, int64_t k) {
  test::add_input(g, name, DType::kFloat, {Dim::named("batch"), Dim::named("seq"), Dim::known(k)});
}

int count_ops(const Graph& g, const std::string& op_type) {
  return static_cast<int>(std::count_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.op_type == op_type; }));
}

TEST(WeightPacking, MatMulOnA2DInitializerBecomesPackedMatMul) {
  constexpr int64_t k = 5, n = 20;
  Graph g = test::make_graph();
  add_sequence_input(g, "x", k);
  const Tensor w = test::random_tensor({k, n}, 1);
  g.initializers["w"] = w;
  g.nodes.push_back(make_node("MatMul", "proj", {"x", "w"}, {"y"}));
  test::add_output(g, "y");

  EXPECT_TRUE(pack_mat_mul_weights(g));
  ASSERT_EQ(g.nodes.size(), 1u);
  const Node& node = g.nodes[0];
  EXPECT_EQ(node.op_type, "PackedMatMul");
  EXPECT_EQ(node.domain, "xenc");
  EXPECT_EQ(node.attr_int("n", -1), n);
  EXPECT_EQ(g.opset("xenc"), 1);
  ASSERT_EQ(node.inputs.size(), 2u);
  EXPECT_EQ(node.inputs[0], "x");
  EXPECT_FALSE(g.is_initializer("w"));
  ASSERT_EQ(g.initializers.size(), 1u);
  ASSERT_TRUE(g.is_initializer(node.inputs[1]));
  const Tensor& packed = g.initializers.at(node.inputs[1]);
  EXPECT_EQ(packed.shape(), (Shape{2, k, kPackedPanelWidth}));  // ceil(20 / 16) panels
  std::vector<float> want(static_cast<size_t>(packed.numel()));
  pack_sgemm_weights(w.data<float>(), k, n, want.data());
  EXPECT_EQ(test::float_values(packed), want);
  // The rewritten graph is well typed, and there is nothing left to pack.
  infer_shapes(g, ops());
  EXPECT_EQ(g.value_types.at("y").str(), "float[batch,seq,20]");
  EXPECT_FALSE(pack_mat_mul_weights(g));
}

TEST(WeightPacking, WeightOfTwoMatMulsIsPackedOnce) {
  Graph g = test::make_graph();
  add_sequence_input(g, "x1", 8);
  add_sequence_input(g, "x2", 8);
  g.initializers["w"] = test::random_tensor({8, 33}, 1);
  g.nodes.push_back(make_node("MatMul", "mm1", {"x1", "w"}, {"y1"}));
  g.nodes.push_back(make_node("MatMul", "mm2", {"x2", "w"}, {"y2"}));
  test::add_output(g, "y1");
  test::add_output(g, "y2");
  EXPECT_TRUE(pack_mat_mul_weights(g));
  ASSERT_EQ(count_ops(g, "PackedMatMul"), 2);
  EXPECT_EQ(g.nodes[0].inputs[1], g.nodes[1].inputs[1]);
  ASSERT_EQ(g.initializers.size(), 1u);
  EXPECT_EQ(g.initializers.begin()->first, g.nodes[0].inputs[1]);
  EXPECT_EQ(g.initializers.begin()->second.shape(), (Shape{3, 8, 16}));
}

TEST(WeightPacking, WeightAlsoReadByAnotherNodeStays) {
  Graph g = test::make_graph();
  add_sequence_input(g, "x", 4);
  test::add_input(g, "bias", DType::kFloat, {Dim::known(6)});
  g.initializers["w"] = test::random_tensor({4, 6}, 1);
  g.nodes.push_back(make_node("MatMul", "mm", {"x", "w"}, {"y"}));
  g.nodes.push_back(make_node("Add", "add", {"w", "bias"}, {"z"}));
  test::add_output(g, "y");
  test::add_output(g, "z");
  EXPECT_TRUE(pack_mat_mul_weights(g));
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].op_type, "PackedMatMul");
  EXPECT_EQ(g.nodes[1].op_type, "Add");
  EXPECT_EQ(g.nodes[1].inputs[0], "w");
  EXPECT_TRUE(g.is_initializer("w"));
  EXPECT_NE(g.nodes[0].inputs[1], "w");
  EXPECT_TRUE(g.is_initializer(g.nodes[0].inputs[1]));
  EXPECT_EQ(g.initializers.size(), 2u);
}

TEST(WeightPacking, LeavesMatMulsWithoutA2DInitializerAlone) {
  Graph g = test::make_graph();
  add_sequence_input(g, "x", 4);
  test::add_input(g, "b", DType::kFloat, {Dim::known(4), Dim::known(6)});
  g.initializers["w3"] = test::random_tensor({2, 4, 6}, 1);
  g.nodes.push_back(make_node("MatMul", "input_b", {"x", "b"}, {"y1"}));
  g.nodes.push_back(make_node("MatMul", "rank3_b", {"x", "w3"}, {"y2"}));
  test::add_output(g, "y1");
  test::add_output(g, "y2");
  EXPECT_FALSE(pack_mat_mul_weights(g));
  EXPECT_EQ(count_ops(g, "MatMul"), 2);
  EXPECT_EQ(g.nodes[0].inputs[1], "b");
  EXPECT_EQ(g.nodes[1].inputs[1], "w3");
  EXPECT_EQ(g.initializers.size(), 1u);
  EXPECT_TRUE(g.is_initializer("w3"));
  EXPECT_EQ(g.opsets.count("xenc"), 0u);
}

// h = Relu(x @ w1 + b1), y = h @ w2, with x[batch, seq, 384]. Ten rows
// times 300 columns times 384 is enough work for the fast PackedMatMul to
// split into tasks; five rows (one sequence) is done in one call.
constexpr int64_t kDepth = 384, kHidden = 300, kClasses = 17;

Graph mlp_graph() {
  Graph g = test::make_graph();
  add_sequence_input(g, "x", kDepth);
  g.initializers["w1"] = test::random_tensor({kDepth, kHidden}, 1, 0.1f);
  g.initializers["b1"] = test::random_tensor({kHidden}, 2);
  g.initializers["w2"] = test::random_tensor({kHidden, kClasses}, 3, 0.1f);
  g.nodes.push_back(make_node("MatMul", "mm1", {"x", "w1"}, {"h0"}));
  g.nodes.push_back(make_node("Add", "add1", {"h0", "b1"}, {"h1"}));
  g.nodes.push_back(make_node("Relu", "relu", {"h1"}, {"h"}));
  g.nodes.push_back(make_node("MatMul", "mm2", {"h", "w2"}, {"y"}));
  test::add_output(g, "h");
  test::add_output(g, "y");
  return g;
}

std::vector<Tensor> run_on_two_threads(const Session& session, const Tensor& x) {
  std::vector<Tensor> out;
  tbb::task_arena(2).execute([&] { out = session.run({{"x", x}}); });
  return out;
}

TEST(WeightPacking, PackedSessionMatchesReferenceKernels) {
  const Session fast(mlp_graph());
  const Session reference(mlp_graph(), SessionOptions{.reference_kernels = true});
  EXPECT_EQ(count_ops(fast.graph(), "PackedMatMul"), 2);
  EXPECT_EQ(count_ops(reference.graph(), "PackedMatMul"), 0);
  EXPECT_EQ(count_ops(reference.graph(), "MatMul"), 2);
  const Tensor x = test::random_tensor({2, 5, kDepth}, 4);
  const std::vector<Tensor> got = run_on_two_threads(fast, x);
  const std::vector<Tensor> want = reference.run({{"x", x}});
  ASSERT_EQ(got.size(), 2u);
  ASSERT_EQ(want.size(), 2u);
  for (size_t o = 0; o < want.size(); ++o) {
    ASSERT_EQ(got[o].shape(), want[o].shape()) << "output " << o;
    for (int64_t i = 0; i < want[o].numel(); ++i) {
      const float w = want[o].data<float>()[i];
      ASSERT_NEAR(got[o].data<float>()[i], w, 1e-5f * std::max(1.0f, std::fabs(w))) << "output " << o << " at " << i;
    }
  }
}

// Each sequence of a batch gets the bits it gets when run alone.
TEST(WeightPacking, BatchGivesTheBitsOfEachSequenceAlone) {
  const Session session(mlp_graph());
  constexpr int64_t kBatch = 2, kSeq = 5;
  const Tensor x = test::random_tensor({kBatch, kSeq, kDepth}, 5);
  const std::vector<Tensor> batch = run_on_two_threads(session, x);
  ASSERT_EQ(batch.size(), 2u);
  for (int64_t s = 0; s < kBatch; ++s) {
    Tensor one(DType::kFloat, {1, kSeq, kDepth});
    std::memcpy(one.raw(), x.data<float>() + s * kSeq * kDepth, one.nbytes());
    const std::vector<Tensor> alone = run_on_two_threads(session, one);
    ASSERT_EQ(alone.size(), 2u);
    for (size_t o = 0; o < alone.size(); ++o) {
      ASSERT_EQ(batch[o].shape()[0], kBatch);
      EXPECT_EQ(0, std::memcmp(batch[o].data<float>() + s * alone[o].numel(), alone[o].raw(), alone[o].nbytes()))
          << "output " << o << " of sequence " << s;
    }
  }
}

// MatMul -> BiasGelu becomes one PackedMatMul with the bias and GELU, and
// computes what the two ops did.
TEST(WeightPacking, BiasGeluFoldsIntoThePackedProduct) {
  const auto graph = [] {
    Graph g = test::make_graph();
    add_sequence_input(g, "x", kDepth);
    g.initializers["w"] = test::random_tensor({kDepth, kHidden}, 6, 0.1f);
    g.initializers["b"] = test::random_tensor({kHidden}, 7);
    g.nodes.push_back(make_node("MatMul", "mm", {"x", "w"}, {"h"}));
    Node gelu = make_node("BiasGelu", "gelu", {"h", "b"}, {"y"});
    gelu.domain = "com.microsoft";
    gelu.opset = 1;
    g.nodes.push_back(gelu);
    g.opsets["com.microsoft"] = 1;
    test::add_output(g, "y");
    return g;
  };
  const Session fast(graph());
  const Session reference(graph(), SessionOptions{.reference_kernels = true});
  ASSERT_EQ(fast.graph().nodes.size(), 1u);
  EXPECT_EQ(fast.graph().nodes[0].op_type, "PackedMatMul");
  EXPECT_EQ(fast.graph().nodes[0].attr_string("activation", ""), "gelu");
  EXPECT_EQ(count_ops(reference.graph(), "BiasGelu"), 1);
  const Tensor x = test::random_tensor({2, 5, kDepth}, 8);
  const Tensor got = run_on_two_threads(fast, x).at(0);
  const Tensor want = reference.run({{"x", x}}).at(0);
  ASSERT_EQ(got.shape(), want.shape());
  for (int64_t i = 0; i < want.numel(); ++i)
    ASSERT_NEAR(got.data<float>()[i], want.data<float>()[i], 1e-5f * std::max(1.0f, std::fabs(want.data<float>()[i])))
        << "at " << i;
}

// bf16: the reference sums the same bf16-rounded values in double, the
// fast kernels in float (one rounding per step: K steps of at most 2^-24
// of the running sum of |a b|); against the fp32 session, each factor's
// rounding to bf16 (2^-9 relative) bounds the difference by about
// 2^-8 sum |a b| per output of the first product.
TEST(WeightPacking, Bf16SessionMatchesReferenceAndStaysNearFp32) {
  const SessionOptions bf16{.precision = MatMulPrecision::bf16};
  const Session fast(mlp_graph(), bf16);
  const Session reference(mlp_graph(), SessionOptions{.reference_kernels = true, .precision = MatMulPrecision::bf16});
  const Session fp32(mlp_graph());
  EXPECT_EQ(count_ops(fast.graph(), "PackedMatMul"), 2);
  EXPECT_EQ(fast.graph().initializers.at(fast.graph().nodes[0].inputs[1]).dtype(), DType::kBFloat16);
  const Tensor x = test::random_tensor({2, 5, kDepth}, 4);
  const Tensor got = run_on_two_threads(fast, x).at(0), want = reference.run({{"x", x}}).at(0);
  const Tensor exact = fp32.run({{"x", x}}).at(0);
  const Tensor w1 = test::random_tensor({kDepth, kHidden}, 1, 0.1f);
  for (int64_t row = 0; row < 10; ++row)
    for (int64_t j = 0; j < kHidden; ++j) {
      double magnitude = 0;
      for (int64_t p = 0; p < kDepth; ++p)
        magnitude += std::fabs(x.data<float>()[row * kDepth + p] * w1.data<float>()[p * kHidden + j]);
      const int64_t i = row * kHidden + j;
      ASSERT_NEAR(got.data<float>()[i], want.data<float>()[i], kDepth * 0x1p-24 * magnitude) << "at " << i;
      ASSERT_NEAR(got.data<float>()[i], exact.data<float>()[i], 0x1p-8 * magnitude * 1.01) << "at " << i;
    }
}

TEST(WeightPacking, ShapeFunctionChecksPanelCountAgainstN) {
  for (int64_t n : {16, 17, 32, 33}) {  // packed B below has 2 panels: fits 17 to 32 columns
    Graph g = test::make_graph();
    g.opsets["xenc"] = 1;
    add_sequence_input(g, "a", 8);
    g.initializers["packed"] = Tensor(DType::kFloat, {2, 8, kPackedPanelWidth});
    Node node = make_node("PackedMatMul", "packed_mm", {"a", "packed"}, {"y"}, {{"n", test::int_attr(n)}}, 1);
    node.domain = "xenc";
    g.nodes.push_back(node);
    test::add_output(g, "y");
    if (n == 17 || n == 32) {
      infer_shapes(g, ops());
      EXPECT_EQ(g.value_types.at("y").str(), "float[batch,seq," + std::to_string(n) + "]");
    } else {
      const std::string msg = error_of([&] { infer_shapes(g, ops()); });
      EXPECT_TRUE(Contains(msg, "'packed_mm'"));
      EXPECT_TRUE(Contains(msg, "panel count vs attribute n: 2 vs " + std::to_string(packed_panel_count(n))));
    }
  }
}

}  // namespace
}  // namespace xenc
