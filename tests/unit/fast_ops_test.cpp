// The fast kernels of the ops (ops/fast/) against their reference kernels,
// through sessions on one-node graphs: the float cases each fast path takes,
// and the cases it hands back to the reference.
#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <random>

#include "graph_builders.h"
#include "runtime/session.h"

namespace xenc {
namespace {

using test::make_node;

Tensor random_tensor(const Shape& shape, unsigned seed, float lo = -2, float hi = 2) {
  Tensor t(DType::kFloat, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

SymShape known(const Shape& shape) {
  SymShape s;
  for (int64_t d : shape) s.push_back(Dim::known(d));
  return s;
}

// One node reading x0, x1, ... (the given tensors, fed as inputs) and
// writing y0, y1, ... (`outputs` of them, after any the node already
// names); runs it with the reference and with the fast kernels on two
// threads and compares every output: within tol, relative above 1.
void expect_fast_matches_reference(Node node, const std::vector<Tensor>& inputs, size_t outputs, float tol,
                                   int opset = 17) {
  Graph g = test::make_graph(opset);
  std::map<std::string, Tensor> feeds;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string name = "x" + std::to_string(i);
    test::add_input(g, name, inputs[i].dtype(), known(inputs[i].shape()));
    node.inputs.push_back(name);
    feeds[name] = inputs[i];
  }
  for (size_t i = 0; i < outputs; ++i) node.outputs.push_back("y" + std::to_string(i));
  for (const std::string& name : node.outputs)
    if (!name.empty()) test::add_output(g, name);
  node.opset = node.domain.empty() ? opset : 1;
  if (!node.domain.empty()) g.opsets[node.domain] = 1;
  const std::string what = node.op_type + " '" + node.name + "'";
  g.nodes.push_back(std::move(node));
  const Session reference(g, SessionOptions{.optimize = false, .reference_kernels = true});
  const Session fast(g, SessionOptions{.optimize = false});
  const std::vector<Tensor> want = reference.run(feeds);
  std::vector<Tensor> got;
  tbb::task_arena(2).execute([&] { got = fast.run(feeds); });
  ASSERT_EQ(got.size(), want.size());
  for (size_t o = 0; o < want.size(); ++o) {
    ASSERT_EQ(got[o].shape(), want[o].shape()) << what;
    ASSERT_EQ(got[o].dtype(), want[o].dtype()) << what;
    if (want[o].dtype() != DType::kFloat) {
      ASSERT_EQ(0, std::memcmp(got[o].raw(), want[o].raw(), want[o].nbytes())) << what;
      continue;
    }
    for (int64_t i = 0; i < want[o].numel(); ++i) {
      const float w = want[o].data<float>()[i];
      ASSERT_NEAR(got[o].data<float>()[i], w, tol * std::max(1.0f, std::fabs(w))) << what << " output " << o << " at " << i;
    }
  }
}

TEST(FastOps, MatMul) {
  const auto matmul = [](const Shape& a, const Shape& b) {
    expect_fast_matches_reference(make_node("MatMul", shape_str(a) + "x" + shape_str(b), {}, {}),
                                  {random_tensor(a, 1), random_tensor(b, 2)}, 1, 1e-4);
  };
  matmul({4, 33, 64}, {64, 100});       // weights: batches stacked into M
  matmul({2, 3, 17, 8}, {2, 3, 8, 19});  // attention-style batches
  matmul({2, 1, 5, 8}, {3, 8, 6});       // broadcast batches
  matmul({5, 8}, {4, 8, 3});
  matmul({8}, {3, 8, 5});  // 1-D A
  matmul({3, 7, 8}, {8});  // 1-D B
  matmul({300, 384}, {384, 96});
  matmul({0, 4}, {4, 3});
  // Integers take the reference path.
  Tensor a(DType::kInt32, {2, 3}), b(DType::kInt32, {3, 2});
  for (int i = 0; i < 6; ++i) a.data<int32_t>()[i] = b.data<int32_t>()[i] = i - 2;
  expect_fast_matches_reference(make_node("MatMul", "int", {}, {}), {a, b}, 1, 0);
}

// Bytes drawn from the whole range, the ends included.
Tensor random_bytes(DType dtype, const Shape& shape, unsigned seed) {
  Tensor t(dtype, shape);
  std::mt19937 rng(seed);
  auto* bytes = static_cast<uint8_t*>(t.raw());
  for (int64_t i = 0; i < t.numel(); ++i) bytes[i] = static_cast<uint8_t>(rng());
  if (t.numel() > 1) bytes[0] = 0, bytes[1] = 255;
  return t;
}

Tensor byte_values(DType dtype, const Shape& shape, std::initializer_list<int> values) {
  Tensor t(dtype, shape);
  auto* bytes = static_cast<uint8_t*>(t.raw());
  for (int v : values) *bytes++ = static_cast<uint8_t>(v);
  return t;
}

// Exact int32 results whatever the path: uint8 and int8 B, per-tensor and
// per-column zero points at the range ends, batched and shared B, odd
// shapes; int8 A and per-row zero points go to the reference.
TEST(FastOps, MatMulInteger) {
  constexpr DType u8 = DType::kUint8, s8 = DType::kInt8;
  const auto product = [](const std::vector<Tensor>& inputs) {
    expect_fast_matches_reference(make_node("MatMulInteger", "mmi", {}, {}), inputs, 1, 0);
  };
  product({random_bytes(u8, {2, 3, 17, 9}, 1), random_bytes(s8, {2, 3, 9, 19}, 2)});
  product({random_bytes(u8, {2, 3, 17, 9}, 3), random_bytes(u8, {2, 3, 9, 19}, 4),
           byte_values(u8, {}, {255}), byte_values(u8, {}, {0})});
  product({random_bytes(u8, {40, 67}, 5), random_bytes(s8, {67, 33}, 6), byte_values(u8, {}, {128}),
           random_bytes(s8, {33}, 7)});
  product({random_bytes(u8, {4, 30, 64}, 8), random_bytes(u8, {64, 48}, 9), byte_values(u8, {1}, {3}),
           random_bytes(u8, {48}, 10)});
  product({random_bytes(u8, {1, 1}, 11), random_bytes(s8, {1, 1}, 12)});
  product({random_bytes(s8, {5, 7}, 13), random_bytes(s8, {7, 3}, 14)});  // int8 A: reference
  product({random_bytes(u8, {5, 7}, 15), random_bytes(s8, {7, 3}, 16), random_bytes(u8, {5}, 17)});  // per-row A zero points
}

TEST(FastOps, Gemm) {
  const auto gemm = [](std::optional<Shape> c, bool trans_a, bool trans_b, float alpha, float beta) {
    const int64_t m = 37, n = 29, k = 16;
    std::vector<Tensor> inputs = {random_tensor(trans_a ? Shape{k, m} : Shape{m, k}, 1),
                                  random_tensor(trans_b ? Shape{n, k} : Shape{k, n}, 2)};
    if (c) inputs.push_back(random_tensor(*c, 3));
    expect_fast_matches_reference(make_node("Gemm", "gemm C " + (c ? shape_str(*c) : "none"), {}, {},
                                            {{"transA", test::int_attr(trans_a)},
                                             {"transB", test::int_attr(trans_b)},
                                             {"alpha", test::float_attr(alpha)},
                                             {"beta", test::float_attr(beta)}}),
                                  inputs, 1, 1e-4);
  };
  gemm(std::nullopt, false, true, 1, 1);
  for (const Shape& c : {Shape{}, Shape{1}, Shape{29}, Shape{1, 29}, Shape{37, 1}, Shape{1, 1}, Shape{37, 29}})
    gemm(c, false, true, 1, 1);
  gemm(Shape{29}, true, false, 0.5f, 2);
  gemm(Shape{37, 29}, true, true, 1, 0);
}

TEST(FastOps, Softmax) {
  const auto softmax = [](const Shape& shape, int64_t axis, int opset) {
    expect_fast_matches_reference(make_node("Softmax", "softmax axis " + std::to_string(axis), {}, {},
                                            {{"axis", test::int_attr(axis)}}),
                                  {random_tensor(shape, 4, -8, 8)}, 1, 1e-6, opset);
  };
  softmax({2, 12, 33, 33}, -1, 17);
  softmax({3, 1000}, 1, 17);
  softmax({2, 3, 5}, 1, 17);   // not the last axis: the reference
  softmax({2, 3, 5}, 1, 11);   // opset < 13: rows of 15
  softmax({4, 0}, -1, 17);
}

TEST(FastOps, LayerNormalization) {
  const auto layernorm = [](const Shape& x, const Shape& param, int64_t axis, size_t outputs, bool with_bias) {
    std::vector<Tensor> inputs = {random_tensor(x, 5, -3, 5), random_tensor(param, 6, 0.5f, 1.5f)};
    if (with_bias) inputs.push_back(random_tensor(param, 7));
    expect_fast_matches_reference(make_node("LayerNormalization", "layernorm", {}, {},
                                            {{"axis", test::int_attr(axis)}, {"epsilon", test::float_attr(1e-12f)}}),
                                  inputs, outputs, 2e-5);
  };
  layernorm({2, 17, 384}, {384}, -1, 1, true);
  layernorm({2, 17, 33}, {33}, -1, 3, true);   // with Mean and InvStdDev
  layernorm({3, 5, 7}, {5, 7}, 1, 1, false);
  layernorm({3, 5, 7}, {1, 7}, 1, 1, true);  // Scale broadcast within the row: the reference
  layernorm({3, 5, 7}, {1}, -1, 1, true);
}

TEST(FastOps, ErfAndTanh) {
  for (const char* op : {"Erf", "Tanh"}) {
    expect_fast_matches_reference(make_node(op, op, {}, {}), {random_tensor({3, 5000}, 8, -4, 4)}, 1, 1e-6);
    expect_fast_matches_reference(make_node(op, op, {}, {}), {random_tensor({7}, 9, -4, 4)}, 1, 1e-6);
  }
}

Node contrib_node(const std::string& op, std::map<std::string, Attribute> attrs = {}) {
  Node node = make_node(op, op, {}, {}, std::move(attrs));
  node.domain = "com.microsoft";
  return node;
}

TEST(FastOps, SkipLayerNormalization) {
  const auto skip_layernorm = [](const Shape& input, const Shape& skip, bool beta, bool bias, size_t outputs) {
    const int64_t hidden = input.back();
    std::vector<Tensor> inputs = {random_tensor(input, 1), random_tensor(skip, 2), random_tensor({hidden}, 3, 0.5f, 1.5f)};
    if (beta || bias) inputs.push_back(random_tensor({hidden}, 4));
    if (bias) inputs.push_back(random_tensor({hidden}, 5));
    Node node = contrib_node("SkipLayerNormalization", {{"epsilon", test::float_attr(1e-12f)}});
    expect_fast_matches_reference(node, inputs, outputs, 2e-5);
  };
  skip_layernorm({2, 9, 384}, {2, 9, 384}, true, true, 1);
  skip_layernorm({2, 9, 33}, {9, 33}, true, false, 1);   // skip repeated over the batch
  skip_layernorm({1, 9, 33}, {3, 9, 33}, false, true, 1);  // operands the other way round
  skip_layernorm({2, 9, 33}, {1, 9, 33}, true, true, 1);
  // The sum output (index 3) beside the normalized one.
  Node with_sum = contrib_node("SkipLayerNormalization");
  with_sum.outputs = {"y0", "", "", "y3"};
  expect_fast_matches_reference(with_sum,
                                {random_tensor({3, 7, 20}, 1), random_tensor({3, 7, 20}, 2), random_tensor({20}, 3),
                                 random_tensor({20}, 4), random_tensor({20}, 5)},
                                0, 2e-5);
}

TEST(FastOps, GeluFamily) {
  const Tensor x = random_tensor({3, 5, 96}, 1, -6, 6);
  const Tensor bias = random_tensor({96}, 2);
  expect_fast_matches_reference(contrib_node("Gelu"), {x}, 1, 1e-6);
  expect_fast_matches_reference(contrib_node("BiasGelu"), {x, bias}, 1, 1e-6);
  expect_fast_matches_reference(contrib_node("FastGelu"), {x}, 1, 1e-6);
  expect_fast_matches_reference(contrib_node("FastGelu"), {x, bias}, 1, 1e-6);
  // A last dim of 1 broadcast to the bias: the reference.
  expect_fast_matches_reference(contrib_node("BiasGelu"), {random_tensor({4, 1}, 3), bias}, 1, 1e-6);
}

Tensor int_mask(const Shape& shape, const std::vector<int64_t>& values) { return test::int64_tensor(shape, values); }

// Right-padded rows (3 and 5 of 6 keys kept), a row with a hole, and a full row.
Tensor padding_mask() {
  return int_mask({4, 6}, {1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1});
}

TEST(FastOps, MultiHeadAttention) {
  const int64_t B = 4, S = 6, heads = 3, dk = 8, dv = 5;
  const Tensor query = random_tensor({B, S, heads * dk}, 1);
  const Tensor key = random_tensor({B, S, heads * dk}, 2);
  const Tensor value = random_tensor({B, S, heads * dv}, 3);
  const Tensor bias = random_tensor({2 * heads * dk + heads * dv}, 4);
  const Node mha = contrib_node("MultiHeadAttention", {{"num_heads", test::int_attr(heads)}});
  expect_fast_matches_reference(mha, {query, key, value}, 1, 1e-5);
  expect_fast_matches_reference(mha, {query, key, value, bias}, 1, 1e-5);
  expect_fast_matches_reference(mha, {query, key, value, bias, padding_mask()}, 1, 1e-5);
  // (Not a row without keys: adding -10000 to each score leaves them a
  // resolution of 1e-3, so every implementation differs there.)
  expect_fast_matches_reference(mha, {query, key, value, bias, int_mask({B}, {6, 2, 1, 4})}, 1, 1e-5);
  Node float_min_filter = mha;
  float_min_filter.attrs["mask_filter_value"] = test::float_attr(-3.4028234663852886e38f);
  float_min_filter.attrs["scale"] = test::float_attr(0.3f);
  expect_fast_matches_reference(float_min_filter, {query, key, value, bias, padding_mask()}, 1, 1e-5);
  // Cross attention: 4 queries over 6 keys.
  expect_fast_matches_reference(mha, {random_tensor({B, 4, heads * dk}, 5), key, value, bias, padding_mask()}, 1,
                                1e-5);
  // attention_bias per batch row, head and query, and broadcast along each of those (with and without the mask).
  for (const Shape& shape : {Shape{B, heads, S, S}, Shape{B, 1, S, S}, Shape{1, heads, 1, S}}) {
    const Tensor attention_bias = random_tensor(shape, 6, -3.0f, 3.0f);
    expect_fast_matches_reference(mha, {query, key, value, bias, padding_mask(), attention_bias}, 1, 1e-5);
    expect_fast_matches_reference(mha, {query, key, value, bias, int_mask({B}, {6, 2, 1, 4}), attention_bias}, 1, 1e-5);
  }
}

TEST(FastOps, Attention) {
  const int64_t B = 4, S = 6, hidden = 20, heads = 2;
  const Tensor input = random_tensor({B, S, hidden}, 1);
  const Tensor weights = random_tensor({hidden, 3 * 12}, 2, -0.5f, 0.5f);
  const Tensor bias = random_tensor({3 * 12}, 3);
  const Node attention = contrib_node("Attention", {{"num_heads", test::int_attr(heads)}});
  expect_fast_matches_reference(attention, {input, weights}, 1, 1e-5);
  expect_fast_matches_reference(attention, {input, weights, bias, padding_mask()}, 1, 1e-5);
  expect_fast_matches_reference(attention, {input, weights, bias, int_mask({B}, {1, 6, 3, 5})}, 1, 1e-5);
  // V narrower than Q and K.
  const Node sized = contrib_node("Attention", {{"num_heads", test::int_attr(heads)},
                                                {"qkv_hidden_sizes", test::ints_attr({12, 12, 8})}});
  expect_fast_matches_reference(sized,
                                {input, random_tensor({hidden, 32}, 4, -0.5f, 0.5f), random_tensor({32}, 5), padding_mask()},
                                1, 1e-5);
}

// Sessions of bf16 and int8 precision mark attention for bf16 products
// (ops/fast/weight_packing.h). Each product rounds its operands to bf16
// (relative error 2^-9): a score of dk terms |q k| <= 1 moves by up to
// about dk 2^-8 before scaling, so a softmax weight by about 1e-2 of
// itself, and the output, a weighted mean of values in [-1, 1], by about
// 1e-2; hence the tolerance, which float products meet with 1e-5 (above).
// Odd head sizes and key counts past one 16-key panel exercise the padding
// of the bf16 pairs and panels.
TEST(FastOps, AttentionWithBf16Products) {
  const int64_t B = 4, heads = 3, dk = 7, dv = 5;
  Node mha = contrib_node("MultiHeadAttention", {{"num_heads", test::int_attr(heads)}});
  mha.attrs[kAttentionProductPrecision] = test::string_attr("bf16");
  for (int64_t S : {6, 37}) {
    const Tensor query = random_tensor({B, S, heads * dk}, 1);
    const Tensor key = random_tensor({B, S, heads * dk}, 2);
    const Tensor value = random_tensor({B, S, heads * dv}, 3);
    const Tensor bias = random_tensor({2 * heads * dk + heads * dv}, 4);
    expect_fast_matches_reference(mha, {query, key, value}, 1, 2e-2);
    expect_fast_matches_reference(mha, {query, key, value, bias, int_mask({B}, {S, 2, 1, S - 1})}, 1, 2e-2);
  }
  // One batch row: tasks per head (the batch rows of four go a row per task
  // on these two threads).
  // A [B, 1, S, S] attention_bias, as the separate-texts encoder's mask fuses (filter where a query may not attend).
  const Tensor per_query_mask = random_tensor({B, 1, 37, 37}, 13, 0.0f, 1.0f);
  Tensor filtered(DType::kFloat, per_query_mask.shape());
  for (int64_t i = 0; i < per_query_mask.numel(); ++i)
    filtered.data<float>()[i] = per_query_mask.data<float>()[i] < 0.5f && i % 37 != 0 ? -3.4e38f : 0.0f;
  expect_fast_matches_reference(mha,
                                {random_tensor({B, 37, heads * dk}, 14), random_tensor({B, 37, heads * dk}, 15),
                                 random_tensor({B, 37, heads * dv}, 16),
                                 random_tensor({2 * heads * dk + heads * dv}, 17), int_mask({B}, {37, 20, 1, 36}),
                                 filtered},
                                1, 2e-2);
  expect_fast_matches_reference(mha,
                                {random_tensor({1, 37, heads * dk}, 9), random_tensor({1, 37, heads * dk}, 10),
                                 random_tensor({1, 37, heads * dv}, 11), random_tensor({2 * heads * dk + heads * dv}, 12),
                                 int_mask({1}, {30})},
                                1, 2e-2);
  expect_fast_matches_reference(mha,
                                {random_tensor({B, 6, heads * dk}, 5), random_tensor({B, 6, heads * dk}, 6),
                                 random_tensor({B, 6, heads * dv}, 7), random_tensor({2 * heads * dk + heads * dv}, 8),
                                 padding_mask()},
                                1, 2e-2);
  Node attention = contrib_node("Attention", {{"num_heads", test::int_attr(2)}});
  attention.attrs[kAttentionProductPrecision] = test::string_attr("bf16");
  expect_fast_matches_reference(attention,
                                {random_tensor({B, 6, 20}, 1), random_tensor({20, 36}, 2, -0.5f, 0.5f),
                                 random_tensor({36}, 3), padding_mask()},
                                1, 2e-2);
}

// The attribute is what selects the bf16 products: float and bf16 results
// of one input differ (by bf16's rounding), and a precision session sets it.
TEST(FastOps, Bf16AttentionProductsAreUsedWhenMarked) {
  Graph g = test::make_graph(17);
  g.opsets["com.microsoft"] = 1;
  for (const char* name : {"q", "k", "v"}) test::add_input(g, name, DType::kFloat, known({1, 5, 8}));
  test::add_output(g, "y");
  g.nodes.push_back(contrib_node("MultiHeadAttention", {{"num_heads", test::int_attr(2)}}));
  g.nodes.back().inputs = {"q", "k", "v"};
  g.nodes.back().outputs = {"y"};
  g.nodes.back().opset = 1;
  const std::map<std::string, Tensor> feeds = {
      {"q", random_tensor({1, 5, 8}, 1)}, {"k", random_tensor({1, 5, 8}, 2)}, {"v", random_tensor({1, 5, 8}, 3)}};
  const Session float_products(g, SessionOptions{.optimize = false});
  const Session bf16_products(g, SessionOptions{.optimize = false, .precision = MatMulPrecision::bf16});
  EXPECT_EQ(bf16_products.graph().nodes[0].attr_string(kAttentionProductPrecision, ""), "bf16");
  EXPECT_FALSE(float_products.graph().nodes[0].find_attr(kAttentionProductPrecision));
  const Tensor a = float_products.run(feeds)[0], b = bf16_products.run(feeds)[0];
  float largest = 0;
  for (int64_t i = 0; i < a.numel(); ++i)
    largest = std::max(largest, std::fabs(a.data<float>()[i] - b.data<float>()[i]));
  EXPECT_GT(largest, 0.0f);
  EXPECT_LT(largest, 2e-2f);
}

}  // namespace
}  // namespace xenc
