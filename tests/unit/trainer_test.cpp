// The training loop end to end on a tiny BERT (tests/fixtures/real_exports):
// what --freeze trains, determinism, and bad data caught before training.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "exporter/hf_export.h"
#include "graph/error.h"
#include "graph/onnx_loader.h"
#include "temp_dir.h"
#include "trainer/trainer.h"

namespace xenc::test {
namespace {

namespace fs = std::filesystem;

const fs::path kModel = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "real_exports" / "bert_opset17";
const fs::path kStsTrain = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "stsb" / "sts-train.csv";

// The first `count` lines of the STS benchmark train split.
std::string sts_lines(size_t count) {
  std::ifstream in(kStsTrain);
  std::string line, text;
  for (size_t i = 0; i < count && std::getline(in, line); ++i) text += line + "\n";
  return text;
}

TrainOptions tiny_run(const TempDir& dir, const std::string& freeze) {
  TrainOptions o;
  o.model_dir = kModel;
  o.train_file = dir.write("train.csv", sts_lines(24)).string();
  o.dev_file = dir.write("dev.csv", sts_lines(12)).string();
  o.out_dir = dir.path() / "out";
  o.epochs = 2;
  o.batch_size = 8;
  o.adamw.learning_rate = 1e-3;
  o.freeze = freeze;
  o.label_low = 0;
  o.label_high = 5;
  o.threads = 2;
  return o;
}

std::map<std::string, Tensor> initializers(const fs::path& model) { return load_onnx(model).graph.initializers; }

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

// Names of the initializers whose bytes the run changed.
std::set<std::string> changed(const fs::path& out, const fs::path& model = kModel / "model.onnx") {
  const auto before = initializers(model);
  const auto after = initializers(out / "model.onnx");
  std::set<std::string> names;
  for (const auto& [name, tensor] : before)
    if (!same_bytes(tensor, after.at(name))) names.insert(name);
  return names;
}

TEST(Trainer, FreezeHeadChangesOnlyThePoolerAndClassifier) {
  TempDir dir;
  const TrainResult result = train(tiny_run(dir, "head"));
  EXPECT_EQ(result.trainable_parameters, 32u * 32 + 32 + 32 + 1);
  EXPECT_EQ(changed(dir.path() / "out"), (std::set<std::string>{"bert.pooler.dense.weight", "bert.pooler.dense.bias",
                                                                 "classifier.weight", "classifier.bias"}));
}

// The pair-cosine head's parameters are found as the head too (after the last
// rank-3 value), whatever they are called.
TEST(Trainer, FreezeHeadOfAPairCosineModelChangesOnlyItsScaleAndShift) {
  TempDir dir;
  HfExportOptions export_options;
  export_options.head = HeadKind::pair_cosine;
  export_hf_checkpoint(kModel, dir.path() / "pair_cosine", export_options);
  TrainOptions options = tiny_run(dir, "head");
  options.model_dir = dir.path() / "pair_cosine";
  options.loss = LossKind::mse;
  const TrainResult result = train(options);
  EXPECT_EQ(result.trainable_parameters, 2u);
  EXPECT_EQ(changed(dir.path() / "out" / "onnx", dir.path() / "pair_cosine" / "onnx" / "model.onnx"),
            (std::set<std::string>{"pair_cosine.scale", "pair_cosine.shift"}));
}

// A model whose texts are encoded separately (its [B, 1, S, S] mask, restarted
// positions and second [CLS]) trains like any other: the encoder moves and
// the epochs are scored.
TEST(Trainer, TrainsAModelThatEncodesTheTextsSeparately) {
  TempDir dir;
  HfExportOptions export_options;
  export_options.head = HeadKind::pair_cosine;
  export_options.separate_texts = true;
  export_hf_checkpoint(kModel, dir.path() / "separate", export_options);
  TrainOptions options = tiny_run(dir, "none");
  options.model_dir = dir.path() / "separate";
  options.loss = LossKind::mse;
  const TrainResult result = train(options);
  const std::set<std::string> names =
      changed(dir.path() / "out" / "onnx", dir.path() / "separate" / "onnx" / "model.onnx");
  EXPECT_TRUE(names.count("bert.encoder.layer.0.attention.self.query.weight.transposed"));
  EXPECT_TRUE(names.count("pair_cosine.scale"));
  ASSERT_EQ(result.epochs.size(), 2u);
  EXPECT_EQ(result.epochs[1].dev_metrics.at(1).first, "spearman");
}

TEST(Trainer, FreezeLastLayerLeavesEmbeddingsAndTheFirstLayerAlone) {
  TempDir dir;
  train(tiny_run(dir, "last:1"));
  const std::set<std::string> names = changed(dir.path() / "out");
  EXPECT_TRUE(names.count("bert.encoder.layer.1.output.LayerNorm.weight"));
  EXPECT_TRUE(names.count("classifier.weight"));
  for (const std::string& name : names) {
    EXPECT_EQ(name.find("embeddings"), std::string::npos) << name;
    EXPECT_EQ(name.find("layer.0."), std::string::npos) << name;
  }
}

TEST(Trainer, FreezeNoneTrainsEveryWeightAndIsDeterministic) {
  TempDir first, second;
  const TrainResult result = train(tiny_run(first, "none"));
  train(tiny_run(second, "none"));
  const auto a = initializers(first.path() / "out" / "model.onnx");
  const auto b = initializers(second.path() / "out" / "model.onnx");
  for (const auto& [name, tensor] : a) EXPECT_TRUE(same_bytes(tensor, b.at(name))) << name;
  const std::set<std::string> names = changed(first.path() / "out");
  EXPECT_TRUE(names.count("bert.embeddings.word_embeddings.weight"));
  EXPECT_TRUE(names.count("bert.encoder.layer.0.attention.output.LayerNorm.bias"));
  ASSERT_EQ(result.epochs.size(), 2u);
  EXPECT_EQ(result.epochs[0].dev_metrics.at(1).first, "spearman");
}

TEST(Trainer, ResumeAfterAnInterruptionGivesTheUninterruptedResult) {
  TempDir whole, interrupted;
  TrainOptions o = tiny_run(whole, "none");
  o.epochs = 3;
  train(o);

  TrainOptions first = tiny_run(interrupted, "none");
  first.epochs = 3;
  TrainObserver stop_after_epoch_1;
  stop_after_epoch_1.on_epoch = [](const EpochResult&) { throw std::runtime_error("interrupted"); };
  EXPECT_THROW(train(first, stop_after_epoch_1), std::runtime_error);
  EXPECT_FALSE(fs::exists(first.out_dir));

  TrainOptions changed_settings = first;
  changed_settings.resume = true;
  changed_settings.adamw.learning_rate = 2e-3;
  EXPECT_THROW(train(changed_settings), Error);

  TrainOptions again = first;
  again.resume = true;
  const TrainResult result = train(again);
  ASSERT_EQ(result.epochs.size(), 3u);
  const auto a = initializers(o.out_dir / "model.onnx");
  const auto b = initializers(first.out_dir / "model.onnx");
  for (const auto& [name, tensor] : a) EXPECT_TRUE(same_bytes(tensor, b.at(name))) << name;
  EXPECT_FALSE(fs::exists(first.out_dir.string() + ".checkpoints"));
}

TEST(Trainer, AnEarlierRunsCheckpointsNeedResume) {
  TempDir dir;
  TrainOptions o = tiny_run(dir, "head");
  TrainObserver stop;
  stop.on_epoch = [](const EpochResult&) { throw std::runtime_error("interrupted"); };
  EXPECT_THROW(train(o, stop), std::runtime_error);
  try {
    train(o);
    ADD_FAILURE() << "a second run over the first's checkpoints did not stop";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pass --resume"), std::string::npos) << e.what();
  }
}

// Trains on `train_text` and expects an error containing `message`, with
// no output directory left behind.
void expect_bad_data(const std::string& train_text, const std::string& message) {
  TempDir dir;
  TrainOptions o = tiny_run(dir, "none");
  o.train_file = dir.write("bad.tsv", train_text).string();
  try {
    train(o);
    ADD_FAILURE() << "no error for " << train_text;
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(o.out_dir));
  EXPECT_FALSE(fs::exists(o.out_dir.string() + ".checkpoints"));
}

TEST(Trainer, BadDataIsReportedWithFileAndLineBeforeTraining) {
  expect_bad_data("a\tb\t1\nc\td\n", "bad.tsv:2: no label");
  expect_bad_data("a\tb\t1\nc\td\t7.5\n", "bad.tsv:2: label 7.5 is outside the declared range 0..5");
  expect_bad_data("a\tb\t1\nc\td\tx\n", "bad.tsv:2: label 'x' is not a number");
  expect_bad_data("", "bad.tsv: no labelled pairs");
  expect_bad_data("\n\n", "bad.tsv: no labelled pairs");
}

}  // namespace
}  // namespace xenc::test
