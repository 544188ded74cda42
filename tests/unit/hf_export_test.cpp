#include <gtest/gtest.h>


#include "exporter/hf_export.h"
#include "exporter/safetensors.h"
#include "file_size_limit.h"
#include "graph/onnx_loader.h"
#include "graph_builders.h"
#include "runtime/tokenizer/json_access.h"
#include "safetensors_bytes.h"
#include "temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::TempDir;

const fs::path kRealExports = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "real_exports";

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir))
    names.push_back(fs::relative(e.path(), dir).string());
  std::sort(names.begin(), names.end());
  return names;
}

// A copy of a fixture's config, tokenizer files and weights, the weights
// without the tensors whose names start with `drop` (when given).
fs::path copy_checkpoint(const TempDir& dir, const std::string& family, const std::string& drop = "") {
  const fs::path from = kRealExports / (family + "_opset17");
  const fs::path to = dir.path() / "checkpoint";
  fs::create_directories(to);
  for (const char* name : {"config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"})
    fs::copy_file(from / name, to / name);
  const SafetensorsFile weights = SafetensorsFile::open(from / "model.safetensors");
  std::vector<test::SafetensorsEntry> kept;
  for (const auto& [name, entry] : weights.entries()) {
    if (!drop.empty() && name.starts_with(drop)) continue;
    const Tensor t = weights.read_float(name);
    kept.push_back({name, "F32", t.shape(), std::string(static_cast<const char*>(t.raw()), t.nbytes())});
  }
  dir.write("checkpoint/model.safetensors", test::safetensors_bytes(kept));
  return to;
}

TEST(HfExport, WritesAnOnnxModelDirectory) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  const HfExportResult result = export_hf_checkpoint(kRealExports / "roberta_opset17", out);
  EXPECT_EQ(result.family, EncoderFamily::kRoberta);
  EXPECT_EQ(result.num_labels, 3);
  EXPECT_TRUE(result.initialized.empty());
  EXPECT_EQ(result.copied,
            (std::vector<std::string>{"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}));
  EXPECT_EQ(listing(dir.path()), (std::vector<std::string>{"out", "out/config.json", "out/onnx", "out/onnx/model.onnx",
                                                            "out/special_tokens_map.json", "out/tokenizer.json",
                                                            "out/tokenizer_config.json"}));
  const nlohmann::json config = json_access::read_file(out / "config.json");
  EXPECT_EQ(config["architectures"], nlohmann::json::array({"RobertaForSequenceClassification"}));
  EXPECT_EQ(config["num_labels"], 3);
  EXPECT_EQ(config["id2label"]["2"], "neutral");  // the checkpoint's labels are kept
  EXPECT_EQ(config["label2id"]["neutral"], 2);
  EXPECT_EQ(config["hidden_size"], 48);
  EXPECT_EQ(json_access::read_text_file(out / "tokenizer.json"),
            json_access::read_text_file(kRealExports / "roberta_opset17" / "tokenizer.json"));
  EXPECT_EQ(load_onnx(out / "onnx" / "model.onnx").graph.outputs[0].type.str(), "float[batch_size,3]");
  // Permissions as for any new directory (the umask's), not a temporary directory's 0700.
  fs::create_directory(dir.path() / "plain");
  EXPECT_EQ(fs::status(out).permissions(), fs::status(dir.path() / "plain").permissions());
}

TEST(HfExport, AHeadlessCheckpointGetsANewHeadAndDefaultLabels) {
  TempDir dir;
  const fs::path from = copy_checkpoint(dir, "bert", "classifier.");
  const HfExportResult result = export_hf_checkpoint(from, dir.path() / "out", HfExportOptions{3});
  EXPECT_EQ(result.num_labels, 3);
  EXPECT_EQ(result.initialized, (std::vector<std::string>{"classifier"}));
  const nlohmann::json config = json_access::read_file(dir.path() / "out" / "config.json");
  EXPECT_EQ(config["num_labels"], 3);
  EXPECT_EQ(config["id2label"], (nlohmann::json{{"0", "LABEL_0"}, {"1", "LABEL_1"}, {"2", "LABEL_2"}}));
  EXPECT_EQ(config["label2id"], (nlohmann::json{{"LABEL_0", 0}, {"LABEL_1", 1}, {"LABEL_2", 2}}));
}

TEST(HfExport, RefusesANonEmptyDestinationAndUsesAnEmptyOne) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  dir.write("out/keep.txt", "mine");
  EXPECT_EQ(error_of([&] { export_hf_checkpoint(kRealExports / "bert_opset17", out); }),
            out.string() + ": exists and is not empty; export into a new directory");
  EXPECT_EQ(listing(dir.path()), (std::vector<std::string>{"out", "out/keep.txt"}));
  EXPECT_EQ(error_of([&] { export_hf_checkpoint(kRealExports / "bert_opset17", out / "keep.txt"); }),
            (out / "keep.txt").string() + ": exists and is not a directory");
  EXPECT_EQ(error_of([&] { export_hf_checkpoint(kRealExports / "bert_opset17", dir.path() / "no" / "out"); }),
            (dir.path() / "no").string() + ": no such directory to export into");

  const fs::path empty = dir.path() / "empty";
  fs::create_directories(empty);
  export_hf_checkpoint(kRealExports / "bert_opset17", empty.string() + "/");
  EXPECT_TRUE(fs::exists(empty / "onnx" / "model.onnx"));
}

TEST(HfExport, BadCheckpointsAreErrorsThatLeaveNothingBehind) {
  TempDir dir;
  const fs::path from = copy_checkpoint(dir, "electra");
  nlohmann::json config = json_access::read_file(from / "config.json");
  config["hidden_act"] = "gelu_new";
  dir.write_json("checkpoint/config.json", config);
  EXPECT_EQ(error_of([&] { export_hf_checkpoint(from, dir.path() / "out"); }),
            (from / "config.json").string() +
                ": hidden_act: 'gelu_new' is not supported (only 'gelu', the exact Erf GELU)");
  fs::remove(from / "model.safetensors");
  EXPECT_EQ(error_of([&] { export_hf_checkpoint(from, dir.path() / "out"); }),
            (from / "model.safetensors").string() +
                ": no such file (sharded safetensors and pytorch_model.bin checkpoints are not supported)");
  EXPECT_EQ(listing(dir.path()).size(), listing(from).size() + 1);  // the checkpoint alone
}

// A full disk, simulated with a file-size limit: the write fails, and the
// temporary directory goes with it.
TEST(HfExport, AFailedWriteRemovesTheTemporaryDirectory) {
  TempDir dir;
  std::string message;
  {
    const test::FileSizeLimit limit(64 * 1024);
    message = error_of([&] { export_hf_checkpoint(kRealExports / "bert_opset17", dir.path() / "out"); });
  }
  EXPECT_EQ(message, (dir.path() / "out" / "onnx" / "model.onnx").string() + ": write failed: File too large");
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace xenc
