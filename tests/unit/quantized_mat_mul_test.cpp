// QuantizedMatMul (ops/quantized_mat_mul.cpp, ops/fast/quantized_mat_mul.cpp)
// and the int8 weight rewrite of ops/fast/weight_packing.h: the fast kernel
// against the reference one, the reference against the float product
// within the error that quantization explains, row independence, and the
// quantization rules themselves.
#include <gtest/gtest.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "fusion_test_util.h"
#include "graph/shape_inference.h"
#include "graph_builders.h"
#include "ops/common/quantization.h"
#include "ops/common/quantized_mat_mul_attributes.h"
#include "ops/fast/weight_packing.h"
#include "ops/registry.h"
#include "ops/x86/packed_qgemm.h"
#include "runtime/session.h"

namespace xenc {
namespace {

using test::Contains;
using test::error_of;
using test::make_node;

constexpr int64_t kDepth = 67, kColumns = 45;  // neither a multiple of the packing or tiles

int count_ops(const Graph& g, const std::string& op_type) {
  return static_cast<int>(std::count_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.op_type == op_type; }));
}

std::vector<Tensor> run_on_two_threads(const Session& session, const std::map<std::string, Tensor>& feeds) {
  std::vector<Tensor> out;
  tbb::task_arena(2).execute([&] { out = session.run(feeds); });
  return out;
}

// x[batch, seq, kDepth] -> MatMul(w) -> y, optionally through BiasGelu.
Graph product_graph(bool bias_gelu) {
  Graph g = test::make_graph();
  test::add_input(g, "x", DType::kFloat, {Dim::named("batch"), Dim::named("seq"), Dim::known(kDepth)});
  g.initializers["w"] = test::random_tensor({kDepth, kColumns}, 11, 0.2f);
  g.nodes.push_back(make_node("MatMul", "mm", {"x", "w"}, {bias_gelu ? "h" : "y"}));
  if (bias_gelu) {
    g.initializers["b"] = test::random_tensor({kColumns}, 12);
    Node gelu = make_node("BiasGelu", "gelu", {"h", "b"}, {"y"});
    gelu.domain = "com.microsoft";
    gelu.opset = 1;
    g.nodes.push_back(gelu);
    g.opsets["com.microsoft"] = 1;
  }
  test::add_output(g, "y");
  return g;
}

SessionOptions int8(bool reference_kernels = false) {
  return SessionOptions{.reference_kernels = reference_kernels, .precision = MatMulPrecision::int8};
}

TEST(QuantizationRules, DynamicRangeHoldsZeroAndRoundsTheZeroPoint) {
  const Uint8Quantization mixed = dynamic_uint8_quantization(-1.0f, 3.0f);
  EXPECT_FLOAT_EQ(mixed.scale, 4.0f / 255.0f);
  EXPECT_EQ(mixed.zero_point, 64);  // 1 / (4 / 255) = 63.75
  const Uint8Quantization positive = dynamic_uint8_quantization(2.0f, 5.0f);
  EXPECT_FLOAT_EQ(positive.scale, 5.0f / 255.0f);
  EXPECT_EQ(positive.zero_point, 0);
  EXPECT_EQ(dynamic_uint8_quantization(-5.0f, -2.0f).zero_point, 255);
  const Uint8Quantization empty = dynamic_uint8_quantization(0.0f, 0.0f);  // as ONNX Runtime: scale 1
  EXPECT_EQ(empty.scale, 1.0f);
  EXPECT_EQ(empty.zero_point, 0);
  EXPECT_EQ(quantize_uint8(0.5f * mixed.scale, mixed), 64);   // half to even: 0.5 -> 0
  EXPECT_EQ(quantize_uint8(1.5f * mixed.scale, mixed), 66);   // 1.5 -> 2
  EXPECT_EQ(quantize_uint8(1e9f, mixed), 255);
  EXPECT_EQ(quantize_uint8(-1e9f, mixed), 0);
  EXPECT_EQ(quantize_uint8(std::nanf(""), mixed), 64);  // NaN: the zero point
}

TEST(QuantizedMatMul, Int8SessionQuantizesEachWeightProduct) {
  const Session session(product_graph(true), int8());
  ASSERT_EQ(session.graph().nodes.size(), 1u);
  const Node& node = session.graph().nodes[0];
  EXPECT_EQ(node.op_type, "QuantizedMatMul");
  EXPECT_EQ(node.attr_string("activation", ""), "gelu");
  EXPECT_EQ(node.attr_string("a_quantization", ""), "row");
  ASSERT_EQ(node.inputs.size(), 6u);
  EXPECT_EQ(node.inputs[4], "");  // no zero points: symmetric weights
  EXPECT_EQ(node.inputs[5], "b");
  const Tensor& packed = session.graph().initializers.at(node.inputs[1]);
  EXPECT_EQ(packed.dtype(), DType::kInt8);
  EXPECT_EQ(packed.shape(), (Shape{qgemm_panel_count(kColumns), qgemm_padded_depth(kDepth), kQPanelWidth}));
  EXPECT_FALSE(session.graph().is_initializer("w"));
  // Symmetric per column: the largest |w| of each column maps to 127.
  const Tensor w = test::random_tensor({kDepth, kColumns}, 11, 0.2f);
  const float* scales = session.graph().initializers.at(node.inputs[2]).data<float>();
  for (int64_t j = 0; j < kColumns; ++j) {
    float largest = 0;
    for (int64_t p = 0; p < kDepth; ++p) largest = std::max(largest, std::fabs(w.data<float>()[p * kColumns + j]));
    EXPECT_FLOAT_EQ(scales[j], largest / 127.0f) << "column " << j;
  }
}

// Products of one A whose widths are whole panels (a layer's query, key and
// value projections) become one node with an output each, and give the bits
// each product gives alone; a width of part of a panel, and a product of
// another A, stay apart.
TEST(QuantizedMatMul, ProductsOfOneAShareItsQuantization) {
  Graph g = test::make_graph();
  test::add_input(g, "x", DType::kFloat, {Dim::named("batch"), Dim::named("seq"), Dim::known(kDepth)});
  test::add_input(g, "x2", DType::kFloat, {Dim::named("batch"), Dim::named("seq"), Dim::known(kDepth)});
  const std::vector<std::pair<std::string, int64_t>> products = {{"q", 32}, {"k", 16}, {"v", 48}, {"odd", 20}};
  for (size_t i = 0; i < products.size(); ++i) {
    const auto& [name, width] = products[i];
    g.initializers["w_" + name] = test::random_tensor({kDepth, width}, 30 + static_cast<uint32_t>(i), 0.2f);
    g.nodes.push_back(make_node("MatMul", name, {"x", "w_" + name}, {name}));
    test::add_output(g, name);
  }
  g.initializers["w_other"] = test::random_tensor({kDepth, 16}, 40, 0.2f);
  g.nodes.push_back(make_node("MatMul", "other", {"x2", "w_other"}, {"other"}));
  test::add_output(g, "other");

  const Session merged(g, int8());
  ASSERT_EQ(count_ops(merged.graph(), "QuantizedMatMul"), 3);
  const Node& node = merged.graph().nodes[0];
  EXPECT_EQ(node.outputs, (std::vector<std::string>{"q", "k", "v"}));
  EXPECT_EQ(node.attr_ints("output_widths"), (std::vector<int64_t>{32, 16, 48}));
  EXPECT_EQ(node.attr_int("n", 0), 96);
  EXPECT_EQ(merged.graph().initializers.at(node.inputs[1]).dim(0), 6);  // 2 + 1 + 3 panels

  const std::map<std::string, Tensor> feeds = {{"x", test::random_tensor({2, 13, kDepth}, 41)},
                                               {"x2", test::random_tensor({2, 13, kDepth}, 42)}};
  const std::vector<Tensor> got = run_on_two_threads(merged, feeds);
  const std::vector<Tensor> reference = Session(g, int8(true)).run(feeds);
  for (size_t i = 0; i < products.size(); ++i) {
    Graph alone = test::make_graph();
    test::add_input(alone, "x", DType::kFloat, {Dim::named("batch"), Dim::named("seq"), Dim::known(kDepth)});
    const std::string& name = products[i].first;
    alone.initializers["w"] = g.initializers.at("w_" + name);
    alone.nodes.push_back(make_node("MatMul", name, {"x", "w"}, {"y"}));
    test::add_output(alone, "y");
    const Tensor want = run_on_two_threads(Session(alone, int8()), {{"x", feeds.at("x")}})[0];
    ASSERT_EQ(got[i].shape(), want.shape()) << name;
    EXPECT_EQ(0, std::memcmp(got[i].raw(), want.raw(), want.nbytes())) << name << ": differs from its product alone";
    EXPECT_EQ(0, std::memcmp(reference[i].raw(), want.raw(), want.nbytes())) << name << ": reference kernel";
  }
}

// x -> MatMul(w1) -> BiasGelu -> MatMul(w2) -> y (a feed-forward block),
// with the activation between the products also a graph output or not.
Graph feed_forward_graph(bool hidden_is_output) {
  Graph g = test::make_graph();
  g.opsets["com.microsoft"] = 1;
  test::add_input(g, "x", DType::kFloat, {Dim::named("batch"), Dim::named("seq"), Dim::known(kDepth)});
  g.initializers["w1"] = test::random_tensor({kDepth, kColumns}, 51, 0.2f);
  g.initializers["b1"] = test::random_tensor({kColumns}, 52);
  g.initializers["w2"] = test::random_tensor({kColumns, 20}, 53, 0.2f);
  g.nodes.push_back(make_node("MatMul", "up", {"x", "w1"}, {"up"}));
  Node gelu = make_node("BiasGelu", "gelu", {"up", "b1"}, {"hidden"});
  gelu.domain = "com.microsoft";
  gelu.opset = 1;
  g.nodes.push_back(gelu);
  g.nodes.push_back(make_node("MatMul", "down", {"hidden", "w2"}, {"y"}));
  test::add_output(g, "y");
  if (hidden_is_output) test::add_output(g, "hidden");
  return g;
}

// The first product of a feed-forward block hands the second its output
// quantized per row, with the bits the second would have quantized it to:
// y equals, bit for bit, the run where the activation stays float (it is a
// graph output there), and the reference kernels' within the vector GELU's
// rounding (one quantization level of the hidden rows at most).
TEST(QuantizedMatMul, FeedForwardProductsPassQuantizedRows) {
  const Session linked(feed_forward_graph(false), int8());
  ASSERT_EQ(count_ops(linked.graph(), "QuantizedMatMul"), 2);
  const Node& up = linked.graph().nodes[0];
  const Node& down = linked.graph().nodes[1];
  EXPECT_EQ(up.attr_string("output_quantization", ""), "row");
  ASSERT_EQ(up.outputs.size(), 2u);
  ASSERT_EQ(down.inputs.size(), kRowParamsInput + 1);
  EXPECT_EQ(down.inputs[0], up.outputs[0]);
  EXPECT_EQ(down.inputs[kRowParamsInput], up.outputs[1]);
  EXPECT_EQ(linked.graph().value_types.at(up.outputs[0]).str(), "uint8[batch,seq,45]");
  EXPECT_EQ(linked.graph().value_types.at(up.outputs[1]).str(), "float[batch,seq,3]");

  const Session separate(feed_forward_graph(true), int8());
  EXPECT_FALSE(separate.graph().nodes[0].has_attr("output_quantization"));
  for (const Shape& shape : {Shape{2, 13, kDepth}, Shape{4, 150, kDepth}}) {  // one task, and several
    const std::map<std::string, Tensor> feeds = {{"x", test::random_tensor(shape, 54)}};
    const Tensor got = run_on_two_threads(linked, feeds)[0];
    const Tensor want = run_on_two_threads(separate, feeds)[0];
    ASSERT_EQ(got.shape(), want.shape());
    EXPECT_EQ(0, std::memcmp(got.raw(), want.raw(), want.nbytes())) << shape_str(shape);
    const Tensor reference = Session(feed_forward_graph(false), int8(true)).run(feeds)[0];
    for (int64_t i = 0; i < got.numel(); ++i)
      ASSERT_NEAR(got.data<float>()[i], reference.data<float>()[i], 0.05f) << shape_str(shape) << " at " << i;
  }
}

// A SkipLayerNormalization read by a product (and by the residual: it is a
// graph output here) returns its output quantized per row too, and the
// product takes that: y is bit for bit what the product gives on the
// normalization's float output, fed to it in a session of its own.
TEST(QuantizedMatMul, NormalizedRowsArriveQuantized) {
  Graph g = test::make_graph();
  g.opsets["com.microsoft"] = 1;
  for (const char* name : {"x", "skip"})
    test::add_input(g, name, DType::kFloat, {Dim::named("batch"), Dim::named("seq"), Dim::known(kDepth)});
  g.initializers["gamma"] = test::random_tensor({kDepth}, 61, 1.5f);
  g.initializers["w"] = test::random_tensor({kDepth, kColumns}, 62, 0.2f);
  Node norm = make_node("SkipLayerNormalization", "norm", {"x", "skip", "gamma"}, {"normalized"});
  norm.domain = "com.microsoft";
  norm.opset = 1;
  g.nodes.push_back(norm);
  g.nodes.push_back(make_node("MatMul", "proj", {"normalized", "w"}, {"y"}));
  test::add_output(g, "y");
  test::add_output(g, "normalized");

  const Session linked(g, int8());
  const Node& fused_norm = linked.graph().nodes[0];
  EXPECT_EQ(fused_norm.attr_int(kQuantizedRowsAttribute, 0), 1);
  ASSERT_EQ(fused_norm.outputs.size(), kQuantizedRowsOutput + 2);
  const Node& product = linked.graph().nodes[1];
  EXPECT_EQ(product.inputs[0], fused_norm.outputs[kQuantizedRowsOutput]);
  EXPECT_EQ(product.inputs.at(kRowParamsInput), fused_norm.outputs[kQuantizedRowsOutput + 1]);

  // The same two steps in sessions of their own.
  Graph norm_alone = g;
  norm_alone.nodes.pop_back();
  norm_alone.outputs.erase(norm_alone.outputs.begin());
  Graph product_alone = test::make_graph();
  test::add_input(product_alone, "normalized", DType::kFloat,
                  {Dim::named("batch"), Dim::named("seq"), Dim::known(kDepth)});
  product_alone.initializers["w"] = g.initializers.at("w");
  product_alone.nodes.push_back(make_node("MatMul", "proj", {"normalized", "w"}, {"y"}));
  test::add_output(product_alone, "y");
  for (const Shape& shape : {Shape{2, 13, kDepth}, Shape{4, 150, kDepth}}) {
    const std::map<std::string, Tensor> feeds = {{"x", test::random_tensor(shape, 63)},
                                                 {"skip", test::random_tensor(shape, 64)}};
    const std::vector<Tensor> got = run_on_two_threads(linked, feeds);
    const Tensor normalized = run_on_two_threads(Session(norm_alone), feeds)[0];
    const Tensor want = run_on_two_threads(Session(product_alone, int8()), {{"normalized", normalized}})[0];
    EXPECT_EQ(0, std::memcmp(got[1].raw(), normalized.raw(), normalized.nbytes())) << shape_str(shape);
    EXPECT_EQ(0, std::memcmp(got[0].raw(), want.raw(), want.nbytes())) << shape_str(shape);
    const Tensor reference = Session(g, int8(true)).run(feeds)[0];
    for (int64_t i = 0; i < want.numel(); ++i)
      ASSERT_NEAR(got[0].data<float>()[i], reference.data<float>()[i], 0.05f) << shape_str(shape) << " at " << i;
  }
}

// Every output is within what the rounding of A and B to their quantization
// steps explains: |a - a~| <= sA / 2 and |w - w~| <= sB / 2 give
// |sum a w - sum a~ w~| <= sum (|a| sB / 2 + |w| sA / 2 + sA sB / 4).
TEST(QuantizedMatMul, ReferenceIsWithinTheQuantizationErrorOfTheFloatProduct) {
  const Session quantized(product_graph(false), int8(true));
  const Session exact(product_graph(false), SessionOptions{.reference_kernels = true});
  const Tensor x = test::random_tensor({2, 9, kDepth}, 13, 3.0f);
  const Tensor got = quantized.run({{"x", x}}).at(0), want = exact.run({{"x", x}}).at(0);
  const Tensor w = test::random_tensor({kDepth, kColumns}, 11, 0.2f);
  const float* a = x.data<float>();
  for (int64_t i = 0; i < 18; ++i) {
    const auto [low, high] = std::minmax_element(a + i * kDepth, a + (i + 1) * kDepth);
    const double sa = dynamic_uint8_quantization(*low, *high).scale;
    for (int64_t j = 0; j < kColumns; ++j) {
      double largest = 0, bound = 0;
      for (int64_t p = 0; p < kDepth; ++p) largest = std::max(largest, std::fabs(double(w.data<float>()[p * kColumns + j])));
      const double sb = largest / 127.0;
      for (int64_t p = 0; p < kDepth; ++p)
        bound += std::fabs(a[i * kDepth + p]) * sb / 2 + std::fabs(w.data<float>()[p * kColumns + j]) * sa / 2 + sa * sb / 4;
      const float diff = std::fabs(got.data<float>()[i * kColumns + j] - want.data<float>()[i * kColumns + j]);
      ASSERT_LE(diff, bound * 1.0001 + 1e-6) << "row " << i << " column " << j;
    }
  }
}

// The integer sums are exact and the dequantization is one expression, so
// the fast kernel (several tasks on two threads) gives the reference's bits;
// with GELU, the vector GELU's rounding.
TEST(QuantizedMatMul, FastKernelMatchesReference) {
  for (bool bias_gelu : {false, true}) {
    const Session fast(product_graph(bias_gelu), int8());
    const Session reference(product_graph(bias_gelu), int8(true));
    EXPECT_EQ(count_ops(fast.graph(), "QuantizedMatMul"), 1);
    EXPECT_EQ(count_ops(reference.graph(), "QuantizedMatMul"), 1);
    const Tensor x = test::random_tensor({4, 200, kDepth}, 14);  // enough work for parallel tasks
    const Tensor want = reference.run({{"x", x}}).at(0);
    // Several runs, so that the tasks that oneTBB's workers take (once they
    // have woken up) are checked too.
    for (int run = 0; run < 10; ++run) {
    const Tensor got = run_on_two_threads(fast, {{"x", x}}).at(0);
    ASSERT_EQ(got.shape(), want.shape());
    for (int64_t i = 0; i < want.numel(); ++i) {
      const float g = got.data<float>()[i], w = want.data<float>()[i];
      if (bias_gelu)
        ASSERT_NEAR(g, w, 1e-5f * std::max(1.0f, std::fabs(w))) << "GELU at " << i;
      else
        ASSERT_EQ(g, w) << "at " << i;
    }
    }
  }
}

// A QuantizedMatMul built by hand with B zero points (as imported int8
// models have) and quantization over the whole tensor.
// A's declared depth is input_depth (B's is 37); `attributes` add to or
// replace the node's.
Graph zero_point_graph(const std::string& a_quantization, int64_t input_depth = 37,
                       const std::map<std::string, Attribute>& attributes = {}) {
  constexpr int64_t k = 37, n = 21;
  Graph g = test::make_graph();
  g.opsets["xenc"] = 1;
  test::add_input(g, "a", DType::kFloat, {Dim::named("rows"), Dim::known(input_depth)});
  std::vector<int8_t> b(k * n);
  const std::vector<float> noise = test::pseudo_random(b.size(), 15);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<int8_t>(std::lround(noise[i] * 127.5f - 0.5f));
  b[0] = -128;
  Tensor packed(DType::kInt8, {qgemm_panel_count(n), qgemm_padded_depth(k), kQPanelWidth});
  pack_qgemm_weights(b.data(), k, n, packed.data<int8_t>());
  Tensor scales(DType::kFloat, {n}), sums(DType::kInt32, {n}), zeros(DType::kInt8, {n});
  for (int64_t j = 0; j < n; ++j) {
    scales.data<float>()[j] = 0.01f * static_cast<float>(j + 1);
    zeros.data<int8_t>()[j] = static_cast<int8_t>(j % 2 ? -128 + j : 127 - j);  // range ends included
    int32_t sum = 0;
    for (int64_t p = 0; p < k; ++p) sum += b[p * n + j];
    sums.data<int32_t>()[j] = sum;
  }
  g.initializers["packed"] = packed;
  g.initializers["scales"] = scales;
  g.initializers["sums"] = sums;
  g.initializers["zeros"] = zeros;
  g.initializers["bias"] = test::random_tensor({n}, 16);
  Node node = make_node("QuantizedMatMul", "qmm", {"a", "packed", "scales", "sums", "zeros", "bias"}, {"y"},
                        {{"n", test::int_attr(n)}, {"a_quantization", test::string_attr(a_quantization)}}, 1);
  for (const auto& [name, value] : attributes) node.attrs[name] = value;
  if (node.has_attr("y_scale")) node.inputs.pop_back();  // a requantized output takes no bias
  node.domain = "xenc";
  g.nodes.push_back(node);
  test::add_output(g, "y");
  return g;
}

// Also the statically quantized forms: a fixed A quantization (QDQ
// graphs), and with QLinearMatMul's requantized output.
TEST(QuantizedMatMul, ZeroPointsAndEveryQuantizationMatchReference) {
  const std::map<std::string, Attribute> fixed = {{"a_scale", test::float_attr(0.02f)},
                                                  {"a_zero_point", test::int_attr(131)}};
  std::map<std::string, Attribute> requantized = fixed;
  requantized["y_scale"] = test::float_attr(0.05f);
  requantized["y_zero_point"] = test::int_attr(100);
  const std::pair<const char*, std::map<std::string, Attribute>> modes[] = {
      {"row", {}}, {"tensor", {}}, {"static", fixed}, {"static", requantized}};
  for (const auto& [mode, attributes] : modes) {
    const Graph graph = zero_point_graph(mode, 37, attributes);
    const Session fast(graph), reference(graph, SessionOptions{.reference_kernels = true});
    Tensor a = test::random_tensor({300, 37}, 17, 2.0f);
    a.data<float>()[5] = 40.0f;  // one outlier sets the whole tensor's scale in "tensor" mode
    const Tensor got = run_on_two_threads(fast, {{"a", a}}).at(0), want = reference.run({{"a", a}}).at(0);
    for (int64_t i = 0; i < want.numel(); ++i)
      ASSERT_EQ(got.data<float>()[i], want.data<float>()[i]) << mode << (attributes.count("y_scale") ? " requantized" : "")
                                                              << " at " << i;
  }
}

// Per-row quantization: a row's result does not depend on the other rows.
TEST(QuantizedMatMul, RowsQuantizedAloneGiveTheBatchBits) {
  const Session session(product_graph(true), int8());
  const Tensor x = test::random_tensor({3, 70, kDepth}, 18);
  const Tensor batch = run_on_two_threads(session, {{"x", x}}).at(0);
  for (int64_t s = 0; s < 3; ++s) {
    Tensor one(DType::kFloat, {1, 70, kDepth});
    std::memcpy(one.raw(), x.data<float>() + s * 70 * kDepth, one.nbytes());
    const Tensor alone = session.run({{"x", one}}).at(0);
    EXPECT_EQ(0, std::memcmp(batch.data<float>() + s * alone.numel(), alone.raw(), alone.nbytes())) << "sequence " << s;
  }
}

// Runs from inside oneTBB tasks: a thread waiting for an op's parallel
// loop may take another run's task meanwhile, which must not disturb the
// buffers the first run's loop is still reading.
TEST(QuantizedMatMul, RunsNestedInParallelTasksGiveTheSequentialResults) {
  for (const MatMulPrecision precision : {MatMulPrecision::int8, MatMulPrecision::bf16}) {
    const Session session(product_graph(true), SessionOptions{.precision = precision});
    constexpr int kRuns = 24;
    std::vector<Tensor> inputs, want, got(kRuns);
    for (int i = 0; i < kRuns; ++i) {
      inputs.push_back(test::random_tensor({4, 200 + 7 * i, kDepth}, 30 + static_cast<uint32_t>(i)));
      want.push_back(session.run({{"x", inputs.back()}}).at(0));
    }
    tbb::task_arena(2).execute([&] {
      tbb::parallel_for(0, kRuns, [&](int i) { got[i] = session.run({{"x", inputs[i]}}).at(0); });
    });
    for (int i = 0; i < kRuns; ++i)
      ASSERT_EQ(0, std::memcmp(got[i].raw(), want[i].raw(), want[i].nbytes())) << "run " << i;
  }
}

TEST(QuantizedMatMul, ShapeFunctionChecksTypesAndDepth) {
  Graph g = zero_point_graph("row", 70);  // 70 rounds up to 128 in the packing, 37 to 64
  std::string msg = error_of([&] { infer_shapes(g, OpRegistry::instance()); });
  EXPECT_TRUE(Contains(msg, "'qmm'"));
  EXPECT_TRUE(Contains(msg, "packed B's depth vs A's last dim: 64 vs 128"));

  g = zero_point_graph("row");
  g.initializers["zeros"] = Tensor(DType::kUint8, {21});
  EXPECT_TRUE(Contains(error_of([&] { infer_shapes(g, OpRegistry::instance()); }), "B zero points must be int8"));

  g = zero_point_graph("column");
  EXPECT_TRUE(Contains(error_of([&] { infer_shapes(g, OpRegistry::instance()); }),
                       "attribute a_quantization must be \"row\", \"tensor\" or \"static\", got \"column\""));

  g = zero_point_graph("row");
  g.nodes[0].attrs["output_widths"] = test::ints_attr({10, 10});
  EXPECT_TRUE(Contains(error_of([&] { infer_shapes(g, OpRegistry::instance()); }),
                       "attribute output_widths has 2 widths for 1 outputs"));
  g.nodes[0].outputs.push_back("y2");
  EXPECT_TRUE(Contains(error_of([&] { infer_shapes(g, OpRegistry::instance()); }),
                       "attribute output_widths adds up to 20, not n = 21"));
}

}  // namespace
}  // namespace xenc
