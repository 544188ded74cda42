// ModelDirectory: which ONNX file a directory runs, label names and the
// sentence-transformers activation from config.json, and the errors.
#include <gtest/gtest.h>

#include "runtime/model_directory.h"
#include "temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

const fs::path kBertModel = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "real_exports" / "bert_opset17" / "model.onnx";

void add_onnx(const TempDir& dir, const fs::path& relative) {
  fs::create_directories((dir.path() / relative).parent_path());
  fs::copy_file(kBertModel, dir.path() / relative);
}

std::string error_of(const fs::path& dir, const std::string& onnx_file = "") {
  try {
    ModelDirectory::open(dir, onnx_file);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(ModelDirectory, PicksTheOnlyOnnxFile) {
  TempDir dir;
  add_onnx(dir, "onnx/model_O3.onnx");
  EXPECT_EQ(ModelDirectory::open(dir.path(), "").onnx_file, dir.path() / "onnx" / "model_O3.onnx");
}

TEST(ModelDirectory, PrefersOnnxModelOnnxAmongSeveral) {
  TempDir dir;
  add_onnx(dir, "model.onnx");
  add_onnx(dir, "onnx/model.onnx");
  add_onnx(dir, "onnx/model_qint8_avx512.onnx");
  EXPECT_EQ(ModelDirectory::open(dir.path(), "").onnx_file, dir.path() / "onnx" / "model.onnx");
  EXPECT_EQ(ModelDirectory::open(dir.path(), "onnx/model_qint8_avx512.onnx").onnx_file,
            dir.path() / "onnx" / "model_qint8_avx512.onnx");
}

TEST(ModelDirectory, SeveralCandidatesWithoutADefaultAskForOnnxFile) {
  TempDir dir;
  add_onnx(dir, "model.onnx");
  add_onnx(dir, "onnx/model_O1.onnx");
  EXPECT_EQ(error_of(dir.path()), dir.path().string() +
                                      ": several ONNX models (model.onnx, onnx/model_O1.onnx); choose one with "
                                      "--onnx-file");
}

TEST(ModelDirectory, OnnxFileMustStayInsideTheDirectory) {
  TempDir outer;
  add_onnx(outer, "elsewhere/model.onnx");
  fs::create_directories(outer.path() / "model");
  fs::create_symlink(outer.path() / "elsewhere" / "model.onnx", outer.path() / "model" / "link.onnx");
  const fs::path dir = outer.path() / "model";
  EXPECT_NE(error_of(dir, "../elsewhere/model.onnx").find("must be a path inside the model directory"),
            std::string::npos);
  EXPECT_NE(error_of(dir, (outer.path() / "elsewhere" / "model.onnx").string()).find("must be a path inside"),
            std::string::npos);
  EXPECT_NE(error_of(dir, "link.onnx").find("leaves the model directory"), std::string::npos);
  EXPECT_NE(error_of(dir, "missing.onnx").find("missing.onnx: no such ONNX file"), std::string::npos);
}

TEST(ModelDirectory, MissingDirectoryOrModel) {
  TempDir dir;
  EXPECT_EQ(error_of(dir.path() / "nope"), (dir.path() / "nope").string() + ": no such model directory");
  EXPECT_EQ(error_of(dir.path()),
            dir.path().string() + ": no ONNX model (expected model.onnx or onnx/model*.onnx)");
}

TEST(ModelDirectory, ReadsLabelsAndTheSentenceTransformersActivation) {
  TempDir dir;
  add_onnx(dir, "model.onnx");
  dir.write_json("config.json", {{"id2label", {{"1", "yes"}, {"0", "no"}}},
                                 {"sentence_transformers", {{"activation_fn", "torch.nn.modules.linear.Identity"}}}});
  const ModelDirectory m = ModelDirectory::open(dir.path(), "");
  EXPECT_EQ(m.labels, (std::vector<std::string>{"no", "yes"}));
  EXPECT_EQ(m.activation, Activation::none);

  dir.write_json("config.json", {{"sbert_ce_default_activation_function", "torch.nn.modules.activation.Sigmoid"}});
  EXPECT_EQ(ModelDirectory::open(dir.path(), "").activation, Activation::sigmoid);
  dir.write_json("config.json", nlohmann::json::object());
  EXPECT_EQ(ModelDirectory::open(dir.path(), "").activation, std::nullopt);
}

TEST(ModelDirectory, MalformedConfigNamesTheField) {
  TempDir dir;
  add_onnx(dir, "model.onnx");
  const std::string config = (dir.path() / "config.json").string();
  dir.write_json("config.json", {{"id2label", {{"0", "a"}, {"2", "b"}}}});
  EXPECT_EQ(error_of(dir.path()), config + ": id2label: keys must be the ids 0..1, got '2'");
  dir.write_json("config.json", {{"sentence_transformers", {{"activation_fn", "torch.nn.Tanh"}}}});
  EXPECT_EQ(error_of(dir.path()), config +
                                      ": sentence_transformers.activation_fn: activation 'torch.nn.Tanh' is not "
                                      "supported (Identity, Sigmoid or Softmax); choose one explicitly");
  dir.write("config.json", "{not json");
  EXPECT_NE(error_of(dir.path()).find(config), std::string::npos);
}

}  // namespace
}  // namespace xenc
