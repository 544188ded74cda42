// The default passes on the real torch exports (tests/fixtures/real_exports):
// every encoder layer ends up as one MultiHeadAttention, one BiasGelu and two
// SkipLayerNormalization, with no Erf, ReduceMean, Softmax or unfused
// LayerNormalization left. With the fast kernels the six MatMuls of a layer
// (and any in the head) then become PackedMatMul, the feed-forward one
// taking the BiasGelu in.
// (That the outputs still match ONNX Runtime is the real_export.* ctest,
// which runs them with the passes on.)
#include <gtest/gtest.h>

#include <filesystem>

#include "fusion_test_util.h"

namespace xenc {
namespace {

struct Fixture {
  const char* dir;
  int layers;
  int head_gelus;  // the ELECTRA head's GELU (after a Gemm, so no bias to fold)
};

class FusedRealExport : public ::testing::TestWithParam<Fixture> {};

TEST_P(FusedRealExport, EncoderLayersAreFused) {
  const Fixture f = GetParam();
  const auto model = std::filesystem::path(XENC_TEST_DATA_DIR) / "fixtures/real_exports" / f.dir / "model.onnx";
  const auto session = Session::load(model, SessionOptions{.reference_kernels = true});
  const std::map<std::string, int> ops = test::op_counts(session->graph());
  const auto count = [&](const std::string& op) { return ops.count(op) ? ops.at(op) : 0; };
  EXPECT_EQ(count("com.microsoft.MultiHeadAttention"), f.layers);
  EXPECT_EQ(count("com.microsoft.BiasGelu"), f.layers);
  EXPECT_EQ(count("com.microsoft.Gelu"), f.head_gelus);
  // Two per layer, plus the embeddings' (word + type embeddings, then positions).
  EXPECT_EQ(count("com.microsoft.SkipLayerNormalization"), 2 * f.layers + 1);
  for (const char* op : {"Erf", "ReduceMean", "Softmax", "LayerNormalization", "Pow", "Sqrt", "Div"})
    EXPECT_EQ(count(op), 0) << op;

  const std::map<std::string, int> packed = test::op_counts(Session::load(model)->graph());
  EXPECT_EQ(packed.count("MatMul"), 0u);
  EXPECT_EQ(packed.count("com.microsoft.BiasGelu"), 0u);
  EXPECT_GE(count("MatMul"), 6 * f.layers);
  EXPECT_EQ(packed.at("xenc.PackedMatMul"), count("MatMul"));  // every one left reads a weight
}

INSTANTIATE_TEST_SUITE_P(Families, FusedRealExport,
                         ::testing::Values(Fixture{"bert_opset14", 2, 0}, Fixture{"bert_opset17", 2, 0},
                                           Fixture{"roberta_opset14", 2, 0}, Fixture{"roberta_opset17", 2, 0},
                                           Fixture{"xlm_roberta_opset14", 2, 0}, Fixture{"xlm_roberta_opset17", 2, 0},
                                           Fixture{"electra_opset14", 2, 1}, Fixture{"electra_opset17", 2, 1}),
                         [](const ::testing::TestParamInfo<Fixture>& p) { return std::string(p.param.dir); });

}  // namespace
}  // namespace xenc
