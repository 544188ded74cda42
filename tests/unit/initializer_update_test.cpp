#include <gtest/gtest.h>

#include <fstream>

#include <onnx/onnx_pb.h>

#include "exporter/initializer_update.h"
#include "graph/tensor_proto.h"
#include "graph_builders.h"
#include "runtime/session.h"
#include "temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::TempDir;

const fs::path kBert = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "real_exports" / "bert_opset17";

onnx::ModelProto read_proto(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  onnx::ModelProto model;
  EXPECT_TRUE(model.ParseFromIstream(&in));
  return model;
}

std::string serialized(const onnx::ModelProto& model) {
  std::string bytes;
  EXPECT_TRUE(model.SerializeToString(&bytes));
  return bytes;
}

std::map<std::string, Tensor> bert_inputs() {
  std::map<std::string, Tensor> feeds;
  for (int i = 0; i < 3; ++i) {
    std::string name;
    Tensor t = read_tensor_file(kBert / "test_data_set_1" / ("input_" + std::to_string(i) + ".pb"), &name);
    feeds.emplace(name, std::move(t));
  }
  return feeds;
}

TEST(InitializerUpdate, ReplacesOnlyTheNamedInitializersData) {
  TempDir dir;
  const fs::path out = dir.path() / "updated.onnx";
  const Tensor bias = test::float_tensor({1}, {0.5f});
  const Tensor gamma = test::float_tensor({32}, std::vector<float>(32, 1.25f));
  update_initializers(kBert / "model.onnx", {{"classifier.bias", bias}, {"bert.embeddings.LayerNorm.weight", gamma}},
                      out);

  // The same message once the original carries the new bytes too.
  onnx::ModelProto expected = read_proto(kBert / "model.onnx");
  for (onnx::TensorProto& t : *expected.mutable_graph()->mutable_initializer()) {
    const std::string name = t.name();  // tensor_to_proto clears the proto first
    if (name == "classifier.bias") tensor_to_proto(bias, name, &t);
    if (name == "bert.embeddings.LayerNorm.weight") tensor_to_proto(gamma, name, &t);
  }
  EXPECT_EQ(serialized(read_proto(out)), serialized(expected));

  // The classifier is the last Gemm: a new bias shifts each logit by the difference.
  TempDir bias_only;
  const fs::path shifted = bias_only.path() / "model.onnx";
  update_initializers(kBert / "model.onnx", {{"classifier.bias", bias}}, shifted);
  const auto original_session = Session::load(kBert / "model.onnx");
  const auto shifted_session = Session::load(shifted);
  const Tensor before = original_session->run(bert_inputs())[0];
  const Tensor after = shifted_session->run(bert_inputs())[0];
  float old_bias = 0;
  const onnx::ModelProto original = read_proto(kBert / "model.onnx");
  for (const onnx::TensorProto& t : original.graph().initializer())
    if (t.name() == "classifier.bias") std::memcpy(&old_bias, t.raw_data().data(), sizeof old_bias);
  for (int64_t i = 0; i < before.numel(); ++i)
    EXPECT_NEAR(after.data<float>()[i] - before.data<float>()[i], 0.5f - old_bias, 1e-5f);
}

TEST(InitializerUpdate, UpdatesInPlace) {
  TempDir dir;
  const fs::path model = dir.path() / "model.onnx";
  fs::copy_file(kBert / "model.onnx", model);
  update_initializers(model, {{"classifier.bias", test::float_tensor({1}, {2.0f})}}, model);
  const onnx::ModelProto updated = read_proto(model);
  for (const onnx::TensorProto& t : updated.graph().initializer()) {
    if (t.name() != "classifier.bias") continue;
    EXPECT_EQ(t.raw_data(), std::string("\0\0\0@", 4));  // 2.0f
  }
}

TEST(InitializerUpdate, UnknownNamesAndMismatchedTensorsAreErrors) {
  TempDir dir;
  const fs::path out = dir.path() / "updated.onnx";
  const std::string file = (kBert / "model.onnx").string();
  EXPECT_EQ(error_of([&] { update_initializers(file, {{"nope", test::float_tensor({1}, {0})}}, out); }),
            file + ": no initializer 'nope' to update");
  EXPECT_EQ(error_of([&] { update_initializers(file, {{"classifier.bias", test::int64_tensor({1}, {0})}}, out); }),
            file + ": initializer 'classifier.bias' is float, the update int64");
  EXPECT_EQ(error_of([&] { update_initializers(file, {{"classifier.bias", test::float_tensor({2}, {0, 0})}}, out); }),
            file + ": initializer 'classifier.bias' has shape [1], the update [2]");
  EXPECT_EQ(error_of([&] { update_initializers(dir.write("junk.onnx", "not a model"), {}, out); }),
            (dir.path() / "junk.onnx").string() + ": not a valid ONNX model");
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace xenc
