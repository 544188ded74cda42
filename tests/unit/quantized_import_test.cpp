// fuse_quantized_mat_muls (ops/fast/quantized_import.h) on the ONNX
// Runtime-quantized fixtures (tests/fixtures/make_ort_quantized.py): every
// dynamically quantized MatMul form becomes a QuantizedMatMul. What the
// fused graphs compute is checked against ONNX Runtime's outputs by the
// ort_quantized.* conformance tests (tests/CMakeLists.txt), with the fast
// kernels and with the reference ones on the original ops.
#include "ops/fast/quantized_import.h"

#include <gtest/gtest.h>

#include "fusion_test_util.h"
#include "graph/onnx_loader.h"

namespace xenc {
namespace {

const std::string kFixtures = std::string(XENC_TEST_DATA_DIR) + "/fixtures/ort_quantized/";

struct ImportCase {
  const char* fixture;
  int products;  // products with constant int8 weights in the model
};

class QuantizedImport : public ::testing::TestWithParam<ImportCase> {};

TEST_P(QuantizedImport, EveryInt8ProductRunsOnQuantizedMatMul) {
  Graph graph = load_onnx(kFixtures + GetParam().fixture + "/model.onnx").graph;
  EXPECT_TRUE(fuse_quantized_mat_muls(graph));
  EXPECT_EQ(test::count_of(graph, "xenc.QuantizedMatMul"), GetParam().products);
  for (const char* op : {"MatMulInteger", "DynamicQuantizeLinear", "com.microsoft.DynamicQuantizeMatMul",
                         "com.microsoft.MatMulIntegerToFloat"})
    EXPECT_EQ(test::count_of(graph, op), 0) << op;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, QuantizedImport,
                         ::testing::Values(ImportCase{"bert_dynamic_qint8_per_channel", 14},
                                           ImportCase{"roberta_dynamic_quint8_per_tensor", 14},
                                           ImportCase{"bert_fused_dynamic_quantize_matmul", 8},
                                           ImportCase{"electra_fused_matmul_integer_to_float", 15},
                                           // The products of two activations stay as they are (4 each).
                                           ImportCase{"xlm_roberta_qdq", 12}, ImportCase{"bert_qlinear_matmul", 12}),
                         [](const ::testing::TestParamInfo<ImportCase>& p) { return std::string(p.param.fixture); });

}  // namespace
}  // namespace xenc
