// xenc quantize (exporter/quantized_export.h): the int8 and bf16 rewrites
// of weight MatMuls on small graphs (node kinds and names as ONNX Runtime's
// quantize_dynamic writes them, shared activation quantizers, what stays
// float, the per-column rule of ops/common/weight_quantization.h on chosen
// values) and of embedding tables (DequantizeLinear per row or a bf16 Cast
// before the Gathers, tied tables converted once, which tables stay float),
// the opset rule, and the directory writing: what it contains, what it
// refuses, and that a failed write leaves nothing behind.
#include "exporter/quantized_export.h"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "file_size_limit.h"
#include "fusion_test_util.h"
#include "graph/onnx_loader.h"
#include "graph_builders.h"
#include "ops/common/weight_quantization.h"
#include "ops/fast/weight_packing.h"
#include "runtime/tokenizer/json_access.h"
#include "temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using test::Contains;
using test::error_of;
using test::make_node;
using test::TempDir;

const fs::path kRealExports = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "real_exports";

std::vector<std::string> op_types(const Graph& g) {
  std::vector<std::string> types;
  for (const Node& n : g.nodes) types.push_back(n.op_type);
  return types;
}

const Node& node_named(const Graph& g, const std::string& name) {
  const auto it = std::find_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.name == name; });
  if (it == g.nodes.end()) throw Error("no node " + name);
  return *it;
}

template <class T>
std::vector<T> values(const Tensor& t) {
  const T* p = t.data<T>();
  return std::vector<T>(p, p + t.numel());
}

// x [batch, 4] -> q = x @ wq, k = x @ wk (one activation, two weights),
// s = q @ Transpose(k) (two activations), z = Gemm(x, wq): every weight
// product of an attention block's shape, and the things that stay float.
Graph attention_like_graph(int opset = 17) {
  Graph g = test::make_graph(opset);
  test::add_input(g, "x", DType::kFloat, {Dim::named("batch"), Dim::known(4)});
  // wq's columns: one on a power-of-two scale (0.25 = 31.75 / 127, so every
  // quotient is exact and the rounding is visible), an all-zero one, and
  // one whose largest magnitude is negative.
  g.initializers["wq"] = test::float_tensor({4, 3}, {31.75f, 0, 1.0f,   //
                                                     0.125f, 0, -2.0f,  //
                                                     0.375f, 0, 0.5f,   //
                                                     -0.625f, 0, 0.25f});
  g.initializers["wk"] = test::random_tensor({4, 3}, 7);
  g.nodes.push_back(make_node("MatMul", "/attention/query/MatMul", {"x", "wq"}, {"q"}, {}, opset));
  g.nodes.push_back(make_node("MatMul", "/attention/key/MatMul", {"x", "wk"}, {"k"}, {}, opset));
  g.nodes.push_back(make_node("Transpose", "/attention/Transpose", {"k"}, {"kt"}, {}, opset));
  g.nodes.push_back(make_node("MatMul", "/attention/MatMul", {"q", "kt"}, {"s"}, {}, opset));
  g.nodes.push_back(make_node("Gemm", "/pooler/Gemm", {"x", "wq"}, {"z"}, {}, opset));
  test::add_output(g, "s");
  test::add_output(g, "z");
  return g;
}

TEST(QuantizeWeights, Int8WritesOnnxRuntimesDynamicQuantizationForm) {
  Graph g = attention_like_graph();
  const WeightQuantizationStats stats = quantize_weights(g, QuantizedWeights::int8);
  EXPECT_EQ(stats.mat_muls, 2);
  EXPECT_EQ(stats.weights, 2);
  EXPECT_EQ(stats.float_mat_muls, 1);
  EXPECT_EQ(stats.kept_float, 1);  // the Gemm still reads wq
  EXPECT_EQ(stats.opset_before, 17);
  EXPECT_EQ(stats.opset_after, 17);

  // One DynamicQuantizeLinear for x, read by both products.
  EXPECT_EQ(op_types(g), (std::vector<std::string>{"DynamicQuantizeLinear", "Mul", "MatMulInteger", "Cast", "Mul",
                                                   "Mul", "MatMulInteger", "Cast", "Mul", "Transpose", "MatMul",
                                                   "Gemm"}));
  const Node& quantize = g.nodes[0];
  EXPECT_EQ(quantize.name, "x_QuantizeLinear");
  EXPECT_EQ(quantize.inputs, (std::vector<std::string>{"x"}));
  EXPECT_EQ(quantize.outputs, (std::vector<std::string>{"x_quantized", "x_scale", "x_zero_point"}));

  const Node& scales = node_named(g, "/attention/query/MatMul_quant_scales_mul");
  EXPECT_EQ(scales.op_type, "Mul");
  EXPECT_EQ(scales.inputs, (std::vector<std::string>{"x_scale", "wq_scale"}));
  EXPECT_EQ(scales.outputs, (std::vector<std::string>{"/attention/query/MatMul_quant_scales_mul:0"}));
  const Node& product = node_named(g, "/attention/query/MatMul_quant");
  EXPECT_EQ(product.op_type, "MatMulInteger");
  EXPECT_EQ(product.inputs, (std::vector<std::string>{"x_quantized", "wq_quantized", "x_zero_point"}));
  EXPECT_EQ(product.outputs, (std::vector<std::string>{"q_output_quantized"}));
  const Node& cast = node_named(g, "q_output_quantized_cast");
  EXPECT_EQ(cast.op_type, "Cast");
  EXPECT_EQ(cast.attr_int("to", -1), static_cast<int64_t>(DType::kFloat));
  EXPECT_EQ(cast.outputs, (std::vector<std::string>{"q_output_quantized_cast_output"}));
  const Node& rescale = node_named(g, "/attention/query/MatMul_quant_output_scale_mul");
  EXPECT_EQ(rescale.op_type, "Mul");
  EXPECT_EQ(rescale.inputs,
            (std::vector<std::string>{"q_output_quantized_cast_output", "/attention/query/MatMul_quant_scales_mul:0"}));
  EXPECT_EQ(rescale.outputs, (std::vector<std::string>{"q"}));  // the MatMul's output name stays
  EXPECT_EQ(node_named(g, "/attention/key/MatMul_quant").inputs,
            (std::vector<std::string>{"x_quantized", "wk_quantized", "x_zero_point"}));
  for (const Node& n : g.nodes) EXPECT_EQ(n.opset, 17) << n.name;

  // The activation product is as it was; wq stays for the Gemm, wk goes.
  const Node& attention = node_named(g, "/attention/MatMul");
  EXPECT_EQ(attention.inputs, (std::vector<std::string>{"q", "kt"}));
  EXPECT_EQ(node_named(g, "/pooler/Gemm").inputs, (std::vector<std::string>{"x", "wq"}));
  EXPECT_TRUE(g.is_initializer("wq"));
  EXPECT_FALSE(g.is_initializer("wk"));

  // wq per column: scale = max |column| / 127, integers rounded half to even.
  const Tensor& wq = g.initializers.at("wq_quantized");
  EXPECT_EQ(wq.dtype(), DType::kInt8);
  EXPECT_EQ(wq.shape(), (Shape{4, 3}));
  EXPECT_EQ(values<float>(g.initializers.at("wq_scale")),
            (std::vector<float>{0.25f, 1.0f, static_cast<float>(2.0 / 127)}));
  // Column 0: 31.75 / 0.25 = 127, 0.5 -> 0, 1.5 -> 2, -2.5 -> -2. Column 1: 0.
  // Column 2: 1 / (2/127) = 63.5 -> 64, -2 -> -127, 0.5 -> 31.75 -> 32, 0.25 -> 15.875 -> 16.
  EXPECT_EQ(values<int8_t>(wq), (std::vector<int8_t>{127, 0, 64, 0, 0, -127, 2, 0, 32, -2, 0, 16}));
}

TEST(QuantizeWeights, ColumnRuleEdgeCases) {
  // A column whose scale would be subnormal gets scale 1 (as ORT's tiny
  // test), NaN is ignored in the maximum and quantizes to 0, and the most
  // negative value is -127, never -128.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> b = {1e-37f, nan, -3.0f,  //
                                -1e-37f, 2.0f, 1.5f};
  std::vector<int8_t> q(6);
  std::vector<float> scales(3);
  quantize_columns_symmetric(b.data(), 2, 3, q.data(), scales.data());
  EXPECT_EQ(scales, (std::vector<float>{1.0f, static_cast<float>(2.0 / 127), static_cast<float>(3.0 / 127)}));
  EXPECT_EQ(q, (std::vector<int8_t>{0, 0, -127, 0, 127, 64}));  // 1.5 / (3/127) = 63.5 -> 64
}

TEST(QuantizeWeights, TheInMemoryInt8PathUsesTheSameScales) {
  Graph g = test::make_graph();
  test::add_input(g, "x", DType::kFloat, {Dim::named("batch"), Dim::known(40)});
  g.initializers["w"] = test::random_tensor({40, 24}, 3);
  g.nodes.push_back(make_node("MatMul", "proj", {"x", "w"}, {"y"}));
  test::add_output(g, "y");
  Graph quantized = g;
  quantize_weights(quantized, QuantizedWeights::int8);
  pack_mat_mul_weights(g, MatMulPrecision::int8);
  ASSERT_EQ(g.nodes[0].op_type, "QuantizedMatMul");
  EXPECT_EQ(values<float>(g.initializers.at(g.nodes[0].inputs[2])),
            values<float>(quantized.initializers.at("w_scale")));
}

TEST(QuantizeWeights, TakenNamesGetASuffix) {
  Graph g = test::make_graph();
  test::add_input(g, "x", DType::kFloat, {Dim::named("batch"), Dim::known(2)});
  g.initializers["w"] = test::random_tensor({2, 2}, 1);
  g.initializers["x_scale"] = test::float_tensor({}, {1});
  g.nodes.push_back(make_node("MatMul", "", {"x", "w"}, {"y"}));
  g.nodes.push_back(make_node("Mul", "m", {"y", "x_scale"}, {"w_quantized"}));
  test::add_output(g, "w_quantized");
  quantize_weights(g, QuantizedWeights::int8);
  EXPECT_EQ(g.nodes[0].outputs, (std::vector<std::string>{"x_quantized", "x_scale_1", "x_zero_point"}));
  EXPECT_TRUE(g.is_initializer("w_quantized_1"));
  // An unnamed MatMul's nodes are named after its output.
  EXPECT_EQ(node_named(g, "y_quant").op_type, "MatMulInteger");
}

TEST(QuantizeWeights, Bf16StoresRoundedWeightsBehindACast) {
  Graph g = attention_like_graph();
  // 1 + 2^-8 lies halfway between the bfloat16 neighbours 1 and 1 + 2^-7
  // and rounds to the even one (1); 1 + 3 * 2^-8 rounds up to 1 + 2^-6.
  g.initializers["wk"] = test::float_tensor({4, 3}, {1 + 0x1p-8f, 1 + 3 * 0x1p-8f, -1 - 0x1p-8f, 0, 0, 0,  //
                                                     0, 0, 0, 0, 0, 65504});
  const WeightQuantizationStats stats = quantize_weights(g, QuantizedWeights::bf16);
  EXPECT_EQ(stats.mat_muls, 2);
  EXPECT_EQ(stats.weights, 2);
  EXPECT_EQ(stats.kept_float, 1);
  EXPECT_EQ(op_types(g),
            (std::vector<std::string>{"Cast", "MatMul", "Cast", "MatMul", "Transpose", "MatMul", "Gemm"}));
  const Node& cast = g.nodes[2];
  EXPECT_EQ(cast.name, "wk_bf16_Cast");
  EXPECT_EQ(cast.inputs, (std::vector<std::string>{"wk_bf16"}));
  EXPECT_EQ(cast.outputs, (std::vector<std::string>{"wk_bf16_cast_output"}));
  EXPECT_EQ(cast.attr_int("to", -1), static_cast<int64_t>(DType::kFloat));
  EXPECT_EQ(g.nodes[3].inputs, (std::vector<std::string>{"x", "wk_bf16_cast_output"}));
  EXPECT_EQ(g.nodes[1].inputs, (std::vector<std::string>{"x", "wq_bf16_cast_output"}));
  EXPECT_FALSE(g.is_initializer("wk"));
  const Tensor& wk = g.initializers.at("wk_bf16");
  ASSERT_EQ(wk.dtype(), DType::kBFloat16);
  EXPECT_EQ(wk.shape(), (Shape{4, 3}));
  const BFloat16* bits = wk.data<BFloat16>();
  EXPECT_EQ(bits[0].bits, 0x3f80);  // 1
  EXPECT_EQ(bits[1].bits, 0x3f82);  // 1 + 2^-6
  EXPECT_EQ(bits[2].bits, 0xbf80);  // -1
  EXPECT_EQ(to_float(bits[11]), 65536.0f);
}

TEST(QuantizeWeights, ErrorsLeaveTheGraphUnchanged) {
  Graph g = test::make_graph(17);
  test::add_input(g, "x", DType::kFloat, {Dim::known(2), Dim::known(2)});
  g.nodes.push_back(make_node("MatMul", "mm", {"x", "x"}, {"y"}, {}, 17));
  test::add_output(g, "y");
  EXPECT_EQ(error_of([&] { quantize_weights(g, QuantizedWeights::int8); }),
            "no MatMul with a constant 2-D float weight and no embedding table to convert to int8 (already "
            "quantized?)");

  // Opset 10 -> 11 would turn Gemm-9 into Gemm-11 (and Softmax-1 into Softmax-11): refused.
  Graph old = attention_like_graph(10);
  old.nodes.push_back(make_node("Softmax", "sm", {"s"}, {"p"}, {}, 10));
  const size_t nodes = old.nodes.size();
  EXPECT_EQ(error_of([&] { quantize_weights(old, QuantizedWeights::int8); }),
            "imports opset 10 of the default domain; int8 needs 11 (DynamicQuantizeLinear), and raising it would "
            "change Gemm (Gemm-11 replaces Gemm-9); export the model at opset 11 or later");
  EXPECT_EQ(old.nodes.size(), nodes);
  EXPECT_EQ(old.opset(""), 10);
  EXPECT_TRUE(Contains(error_of([&] { quantize_weights(old, QuantizedWeights::bf16); }),
                       "bf16 needs 13 (Cast from bfloat16), and raising it would change "));
}

TEST(QuantizeWeights, RaisesTheOpsetWhenNoOpChanges) {
  // MatMul-9, Transpose-1 and Relu-6 are the same at opsets 10 and 11.
  Graph g = test::make_graph(10);
  test::add_input(g, "x", DType::kFloat, {Dim::named("batch"), Dim::known(2)});
  g.initializers["w"] = test::random_tensor({2, 2}, 1);
  g.nodes.push_back(make_node("MatMul", "mm", {"x", "w"}, {"y"}, {}, 10));
  g.nodes.push_back(make_node("Relu", "relu", {"y"}, {"r"}, {}, 10));
  test::add_output(g, "r");
  const WeightQuantizationStats stats = quantize_weights(g, QuantizedWeights::int8);
  EXPECT_EQ(stats.opset_before, 10);
  EXPECT_EQ(stats.opset_after, 11);
  EXPECT_EQ(g.opset(""), 11);
  for (const Node& n : g.nodes) EXPECT_EQ(n.opset, 11) << n.name;
}

// ids [batch, seq] -> Gather(word, ids) + Gather(word, ids2) (tied: one
// table, two Gathers), Gather(small, ids) (1023 elements, one short of the
// threshold), Gather(lm_head, ids) with lm_head also a MatMul weight (read
// by more than Gathers), and h @ w: every case of the table rule.
Graph embedding_graph(int opset = 17) {
  Graph g = test::make_graph(opset);
  test::add_input(g, "ids", DType::kInt64, {Dim::named("batch"), Dim::named("seq")});
  test::add_input(g, "ids2", DType::kInt64, {Dim::named("batch"), Dim::named("seq")});
  test::add_input(g, "h", DType::kFloat, {Dim::named("batch"), Dim::known(128)});
  // word [128, 8], 1024 elements: row 0 all zero, row 1 on a power-of-two
  // scale (31.75 / 127 = 0.25), row 2 largest in magnitude where negative.
  Tensor word = test::random_tensor({128, 8}, 5);
  const std::vector<float> row1 = {31.75f, 0.125f, 0.375f, -0.625f, 1.0f, 0, 0, 0};
  const std::vector<float> row2 = {1.0f, -2.0f, 0.5f, 0.25f, 0, 0, 0, 0};
  std::fill(word.data<float>(), word.data<float>() + 8, 0.0f);
  std::copy(row1.begin(), row1.end(), word.data<float>() + 8);
  std::copy(row2.begin(), row2.end(), word.data<float>() + 16);
  g.initializers["word"] = std::move(word);
  g.initializers["small"] = test::random_tensor({341, 3}, 6);
  g.initializers["lm_head"] = test::random_tensor({128, 8}, 7);
  g.initializers["w"] = test::random_tensor({8, 8}, 8);
  g.nodes.push_back(make_node("Gather", "/embeddings/word/Gather", {"word", "ids"}, {"e"}, {}, opset));
  g.nodes.push_back(make_node("Gather", "/small/Gather", {"small", "ids"}, {"s"}, {}, opset));
  g.nodes.push_back(make_node("Gather", "/lm_head/Gather", {"lm_head", "ids"}, {"l"}, {}, opset));
  g.nodes.push_back(make_node("MatMul", "/proj/MatMul", {"e", "w"}, {"y"}, {}, opset));
  g.nodes.push_back(make_node("Gather", "/decoder/Gather", {"word", "ids2"}, {"d"}, {}, opset));
  g.nodes.push_back(make_node("MatMul", "/lm_head/MatMul", {"h", "lm_head"}, {"logits"}, {}, opset));
  for (const char* out : {"y", "s", "l", "d", "logits"}) test::add_output(g, out);
  return g;
}

TEST(QuantizeEmbeddings, Int8TableIsDequantizedPerRowBeforeItsGathers) {
  Graph g = embedding_graph();
  const std::vector<float> word = values<float>(g.initializers.at("word"));
  const WeightQuantizationStats stats = quantize_weights(g, QuantizedWeights::int8);
  EXPECT_EQ(stats.tables, 1);  // word, once for both of its Gathers
  EXPECT_EQ(stats.gathers, 2);
  EXPECT_EQ(stats.float_tables, 2);  // small and lm_head
  EXPECT_EQ(stats.mat_muls, 2);
  EXPECT_EQ(stats.kept_float, 1);  // lm_head, for its Gather
  EXPECT_EQ(stats.opset_after, 17);

  EXPECT_EQ(op_types(g), (std::vector<std::string>{"DequantizeLinear", "Gather", "Gather", "Gather",
                                                   "DynamicQuantizeLinear", "Mul", "MatMulInteger", "Cast", "Mul",
                                                   "Gather", "DynamicQuantizeLinear", "Mul", "MatMulInteger", "Cast",
                                                   "Mul"}));
  const Node& dequantize = g.nodes[0];
  EXPECT_EQ(dequantize.name, "word_DequantizeLinear");
  EXPECT_EQ(dequantize.inputs, (std::vector<std::string>{"word_quantized", "word_scale"}));
  EXPECT_EQ(dequantize.outputs, (std::vector<std::string>{"word_DequantizeLinear_Output"}));
  ASSERT_TRUE(dequantize.attrs.count("axis"));
  EXPECT_EQ(dequantize.attr_int("axis", -1), 0);
  EXPECT_EQ(dequantize.opset, 17);
  EXPECT_EQ(node_named(g, "/embeddings/word/Gather").inputs,
            (std::vector<std::string>{"word_DequantizeLinear_Output", "ids"}));
  EXPECT_EQ(node_named(g, "/decoder/Gather").inputs,
            (std::vector<std::string>{"word_DequantizeLinear_Output", "ids2"}));
  EXPECT_FALSE(g.is_initializer("word"));

  // What stays float: the table one element short of the threshold, and the
  // one a MatMul reads too (it gets its own per-column copy for the MatMul).
  EXPECT_EQ(node_named(g, "/small/Gather").inputs, (std::vector<std::string>{"small", "ids"}));
  EXPECT_EQ(node_named(g, "/lm_head/Gather").inputs, (std::vector<std::string>{"lm_head", "ids"}));
  EXPECT_EQ(g.initializers.at("small").dtype(), DType::kFloat);
  EXPECT_EQ(g.initializers.at("lm_head").dtype(), DType::kFloat);
  EXPECT_FALSE(g.is_initializer("lm_head_DequantizeLinear_Output"));
  EXPECT_EQ(node_named(g, "/lm_head/MatMul_quant").inputs[1], "lm_head_quantized");
  EXPECT_EQ(g.initializers.at("lm_head_scale").shape(), (Shape{8}));  // per column

  const Tensor& q = g.initializers.at("word_quantized");
  ASSERT_EQ(q.dtype(), DType::kInt8);
  EXPECT_EQ(q.shape(), (Shape{128, 8}));
  const Tensor& scale = g.initializers.at("word_scale");
  ASSERT_EQ(scale.dtype(), DType::kFloat);
  EXPECT_EQ(scale.shape(), (Shape{128}));
  const std::vector<int8_t> qs = values<int8_t>(q);
  const std::vector<float> scales = values<float>(scale);
  // Row 0 (all zero): scale 1, zeros. Row 1: 31.75 / 0.25 = 127, 0.5 -> 0,
  // 1.5 -> 2, -2.5 -> -2, 4. Row 2: 1 / (2/127) = 63.5 -> 64, -2 -> -127,
  // 0.5 -> 31.75 -> 32, 0.25 -> 15.875 -> 16.
  EXPECT_EQ(scales[0], 1.0f);
  EXPECT_EQ(std::vector<int8_t>(qs.begin(), qs.begin() + 24),
            (std::vector<int8_t>{0, 0, 0, 0, 0, 0, 0, 0,  //
                                 127, 0, 2, -2, 4, 0, 0, 0,  //
                                 64, -127, 32, 16, 0, 0, 0, 0}));
  EXPECT_EQ(scales[1], 0.25f);
  EXPECT_EQ(scales[2], static_cast<float>(2.0 / 127));
  for (int64_t v = 1; v < 128; ++v) {
    float absmax = 0;
    for (int64_t j = 0; j < 8; ++j) absmax = std::max(absmax, std::fabs(word[v * 8 + j]));
    ASSERT_EQ(scales[v], static_cast<float>(absmax / 127.0)) << "row " << v;
    for (int64_t j = 0; j < 8; ++j)
      ASSERT_LE(std::fabs(qs[v * 8 + j] * scales[v] - word[v * 8 + j]), scales[v] / 2 * (1 + 1e-6f))
          << "row " << v << " column " << j;
  }
}

TEST(QuantizeEmbeddings, Bf16TableIsReadThroughACast) {
  Graph g = embedding_graph();
  const WeightQuantizationStats stats = quantize_weights(g, QuantizedWeights::bf16);
  EXPECT_EQ(stats.tables, 1);
  EXPECT_EQ(stats.gathers, 2);
  EXPECT_EQ(op_types(g), (std::vector<std::string>{"Cast", "Gather", "Gather", "Gather", "Cast", "MatMul", "Gather",
                                                   "Cast", "MatMul"}));
  const Node& cast = g.nodes[0];
  EXPECT_EQ(cast.name, "word_bf16_Cast");
  EXPECT_EQ(cast.inputs, (std::vector<std::string>{"word_bf16"}));
  EXPECT_EQ(cast.outputs, (std::vector<std::string>{"word_bf16_cast_output"}));
  EXPECT_EQ(cast.attr_int("to", -1), static_cast<int64_t>(DType::kFloat));
  EXPECT_EQ(node_named(g, "/decoder/Gather").inputs, (std::vector<std::string>{"word_bf16_cast_output", "ids2"}));
  EXPECT_EQ(g.initializers.at("word_bf16").dtype(), DType::kBFloat16);
  EXPECT_EQ(g.initializers.at("word_bf16").shape(), (Shape{128, 8}));
  EXPECT_EQ(to_float(g.initializers.at("word_bf16").data<BFloat16>()[8]), 31.75f);
  EXPECT_FALSE(g.is_initializer("word"));
  EXPECT_EQ(node_named(g, "/small/Gather").inputs[0], "small");
  EXPECT_EQ(node_named(g, "/lm_head/Gather").inputs[0], "lm_head");
}

TEST(QuantizeEmbeddings, Int8TablesNeedOpset13) {
  // DequantizeLinear takes an axis from opset 13; 12 -> 13 would change
  // Gather-11 into Gather-13, so the model is refused. Without a table to
  // convert, opset 11 is enough and the same graph is accepted.
  Graph g = embedding_graph(12);
  EXPECT_EQ(error_of([&] { quantize_weights(g, QuantizedWeights::int8); }),
            "imports opset 12 of the default domain; int8 needs 13 (DequantizeLinear per row, for the embedding "
            "tables), and raising it would change Gather (Gather-13 replaces Gather-11); export the model at opset "
            "13 or later");
  EXPECT_EQ(g.nodes.size(), 6u);
  EXPECT_EQ(g.initializers.at("word").dtype(), DType::kFloat);
  g.initializers["word"] = test::random_tensor({100, 8}, 5);  // 800 elements: stays float
  const WeightQuantizationStats stats = quantize_weights(g, QuantizedWeights::int8);
  EXPECT_EQ(stats.tables, 0);
  EXPECT_EQ(stats.opset_after, 12);
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir))
    names.push_back(fs::relative(e.path(), dir).string());
  std::sort(names.begin(), names.end());
  return names;
}

std::map<std::string, int> op_counts(const Graph& g) {
  std::map<std::string, int> counts;
  for (const Node& n : g.nodes) ++counts[n.op_type];
  return counts;
}

TEST(QuantizedExport, WritesAModelDirectory) {
  TempDir dir;
  const fs::path from = kRealExports / "bert_opset17";
  const std::vector<std::string> before = listing(from);
  const QuantizedExportResult result = export_quantized(from, dir.path() / "int8", QuantizedWeights::int8);
  EXPECT_EQ(result.source, from / "model.onnx");
  EXPECT_EQ(result.stats.mat_muls, 12);  // 2 layers x (Q, K, V, output, FFN in, FFN out); the head is Gemm
  EXPECT_EQ(result.stats.float_mat_muls, 4);
  EXPECT_EQ(result.stats.tables, 2);        // word [3000, 32] and position [64, 32] embeddings
  EXPECT_EQ(result.stats.float_tables, 1);  // token type [2, 32]
  EXPECT_EQ(result.copied,
            (std::vector<std::string>{"config.json", "tokenizer.json", "tokenizer_config.json",
                                      "special_tokens_map.json"}));
  EXPECT_EQ(listing(dir.path()),
            (std::vector<std::string>{"int8", "int8/config.json", "int8/onnx", "int8/onnx/model.onnx",
                                      "int8/special_tokens_map.json", "int8/tokenizer.json",
                                      "int8/tokenizer_config.json"}));
  EXPECT_EQ(json_access::read_text_file(dir.path() / "int8" / "config.json"),
            json_access::read_text_file(from / "config.json"));
  EXPECT_EQ(result.written_bytes, fs::file_size(dir.path() / "int8" / "onnx" / "model.onnx"));
  EXPECT_LT(result.written_bytes, result.source_bytes);
  const Model written = load_onnx(dir.path() / "int8" / "onnx" / "model.onnx");
  std::map<std::string, int> ops = op_counts(written.graph);
  EXPECT_EQ(ops["MatMulInteger"], 12);
  EXPECT_EQ(ops["DynamicQuantizeLinear"], 8);  // Q, K and V share one per layer
  EXPECT_EQ(ops["MatMul"], 4);
  EXPECT_EQ(ops["DequantizeLinear"], 2);
  EXPECT_EQ(written.graph.initializers.at("bert.embeddings.word_embeddings.weight_quantized").dtype(), DType::kInt8);
  EXPECT_EQ(written.producer, "xenc");

  const QuantizedExportResult bf16 = export_quantized(from, dir.path() / "bf16/", QuantizedWeights::bf16);
  EXPECT_EQ(bf16.stats.weights, 12);
  EXPECT_EQ(bf16.stats.tables, 2);
  ops = op_counts(load_onnx(dir.path() / "bf16" / "onnx" / "model.onnx").graph);
  EXPECT_EQ(ops["MatMul"], 16);
  EXPECT_EQ(ops["MatMulInteger"], 0);
  EXPECT_EQ(listing(from), before);  // the source is only read
}

TEST(QuantizedExport, RefusesANonEmptyDestinationAndBadSources) {
  TempDir dir;
  const fs::path from = kRealExports / "roberta_opset17";
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  dir.write("out/keep.txt", "mine");
  EXPECT_EQ(error_of([&] { export_quantized(from, out, QuantizedWeights::int8); }),
            out.string() + ": exists and is not empty; export into a new directory");
  EXPECT_EQ(error_of([&] { export_quantized(dir.path() / "none", dir.path() / "q", QuantizedWeights::int8); }),
            (dir.path() / "none").string() + ": no such model directory");
  EXPECT_EQ(listing(dir.path()), (std::vector<std::string>{"out", "out/keep.txt"}));

  // An already quantized model: nothing to convert, and nothing written.
  export_quantized(from, dir.path() / "int8", QuantizedWeights::int8);
  EXPECT_EQ(error_of([&] { export_quantized(dir.path() / "int8", dir.path() / "again", QuantizedWeights::int8); }),
            (dir.path() / "int8" / "onnx" / "model.onnx").string() +
                ": no MatMul with a constant 2-D float weight and no embedding table to convert to int8 (already "
                "quantized?)");
  EXPECT_FALSE(fs::exists(dir.path() / "again"));
}

// Drops CAP_DAC_OVERRIDE (and its relatives) from this thread's effective
// capabilities while alive, so that a root test process obeys directory
// permissions like anyone else; the permitted set keeps them, and the
// destructor raises them again. Capabilities are per thread, and the
// export writes on the calling thread.
class WithoutFileCapabilities {
 public:
  WithoutFileCapabilities() {
    if (syscall(SYS_capget, &header_, saved_) != 0) return;
    __user_cap_data_struct reduced[2] = {saved_[0], saved_[1]};
    reduced[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH) | (1u << CAP_FOWNER));
    dropped_ = syscall(SYS_capset, &header_, reduced) == 0;
  }
  ~WithoutFileCapabilities() {
    if (dropped_) syscall(SYS_capset, &header_, saved_);
  }
  WithoutFileCapabilities(const WithoutFileCapabilities&) = delete;
  WithoutFileCapabilities& operator=(const WithoutFileCapabilities&) = delete;

 private:
  __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct saved_[2]{};
  bool dropped_ = false;
};

TEST(QuantizedExport, AReadOnlyDestinationIsAnErrorThatLeavesNothing) {
  TempDir dir;
  const fs::path parent = dir.path() / "read_only";
  fs::create_directories(parent);
  fs::permissions(parent, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  std::string message;
  {
    const WithoutFileCapabilities unprivileged;
    if (::mkdir((parent / "probe").c_str(), 0777) == 0) {
      fs::permissions(parent, fs::perms::owner_all);
      fs::remove(parent / "probe");
      GTEST_SKIP() << "this process may write into a read-only directory";
    }
    message = error_of([&] { export_quantized(kRealExports / "bert_opset17", parent / "q", QuantizedWeights::int8); });
  }
  fs::permissions(parent, fs::perms::owner_all);
  EXPECT_EQ(message, (parent / "q").string() + ": cannot create a temporary directory in " + parent.string() +
                         ": Permission denied");
  EXPECT_TRUE(fs::is_empty(parent));
}

// A write failing half-way (a full disk, simulated by a file-size limit):
// the temporary directory goes with it.
TEST(QuantizedExport, AFailedWriteLeavesNothing) {
  TempDir dir;
  std::string message;
  {
    const test::FileSizeLimit limit(16 * 1024);
    message = error_of(
        [&] { export_quantized(kRealExports / "bert_opset17", dir.path() / "out", QuantizedWeights::bf16); });
  }
  EXPECT_EQ(message, (dir.path() / "out" / "onnx" / "model.onnx").string() + ": write failed: File too large");
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace xenc
