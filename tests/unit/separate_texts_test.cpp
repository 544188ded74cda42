// Encoding a pair's texts separately (models/encoder.h, EncoderOptions::
// separate_texts; `xenc export --separate-texts`): each text's states are
// those of the text encoded alone, and the exported tokenizer gives the
// second text its own special tokens.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "exporter/hf_export.h"
#include "exporter/onnx_writer.h"
#include "exporter/safetensors.h"
#include "exporter/separate_texts_tokenizer.h"
#include "graph_builders.h"
#include "models/sequence_classifier.h"
#include "runtime/session.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/tokenizer.h"
#include "temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using test::Contains;
using test::error_of;
using test::TempDir;

const fs::path kRealExports = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "real_exports";

// The checkpoint's encoder as a graph whose output is last_hidden_state.
std::unique_ptr<Session> encoder_session(const std::string& family, bool separate, const TempDir& dir) {
  const fs::path checkpoint = kRealExports / (family + "_opset17");
  const EncoderConfig config = read_encoder_config(checkpoint / "config.json");
  const SafetensorsFile weights = SafetensorsFile::open(checkpoint / "model.safetensors");
  HeadOptions head;
  head.kind = HeadKind::pair_cosine;
  EncoderOptions encoder;
  encoder.separate_texts = separate;
  Graph graph = build_sequence_classifier(config, weights, head, encoder).graph;
  const SymShape states{Dim::named("batch_size"), Dim::named("sequence_length"), Dim::known(config.hidden_size)};
  graph.outputs = {GraphValue{"last_hidden_state", ValueType{DType::kFloat, states}}};
  const fs::path file = dir.path() / (family + (separate ? "_separate.onnx" : ".onnx"));
  write_onnx(graph, file);
  return Session::load(file);
}

Tensor int64_tensor(const std::vector<std::vector<int64_t>>& rows) {
  Tensor t(DType::kInt64, {static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows[0].size())});
  for (size_t r = 0; r < rows.size(); ++r)
    std::copy(rows[r].begin(), rows[r].end(), t.data<int64_t>() + r * rows[r].size());
  return t;
}

std::map<std::string, Tensor> feeds(const std::vector<std::vector<int64_t>>& ids,
                                    const std::vector<std::vector<int64_t>>& types,
                                    const std::vector<std::vector<int64_t>>& mask) {
  return {{"input_ids", int64_tensor(ids)},
          {"token_type_ids", int64_tensor(types)},
          {"attention_mask", int64_tensor(mask)}};
}

// Row `row`, tokens [begin, begin + count) of a [batch, tokens, hidden] tensor.
std::vector<float> token_states(const Tensor& states, int64_t row, int64_t begin, int64_t count) {
  const int64_t tokens = states.shape()[1], width = states.shape()[2];
  const float* first = states.data<float>() + (row * tokens + begin) * width;
  return {first, first + count * width};
}

void expect_near(const std::vector<float>& a, const std::vector<float>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  float worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  EXPECT_LT(worst, 2e-5f) << what;
}

class SeparateTexts : public ::testing::TestWithParam<std::string> {};

// Two pairs in one padded batch ([CLS] A [SEP] [CLS] B [SEP], as the exported
// tokenizer makes them) against each text alone through the plain encoder.
TEST_P(SeparateTexts, EachTextsStatesAreThoseOfTheTextAlone) {
  TempDir dir;
  const auto separate = encoder_session(GetParam(), true, dir);
  const auto plain = encoder_session(GetParam(), false, dir);
  const std::vector<int64_t> a0 = {2, 11, 12, 13, 3}, b0 = {2, 21, 22, 3}, a1 = {2, 14, 3}, b1 = {2, 23, 24, 25, 3};
  const auto pair_row = [](const std::vector<int64_t>& a, const std::vector<int64_t>& b, size_t width) {
    std::vector<int64_t> ids = a, types(a.size(), 0), mask(a.size() + b.size(), 1);
    ids.insert(ids.end(), b.begin(), b.end());
    types.resize(ids.size(), 1);
    ids.resize(width, 0);
    types.resize(width, 0);
    mask.resize(width, 0);
    return std::array{ids, types, mask};
  };
  const auto r0 = pair_row(a0, b0, 9), r1 = pair_row(a1, b1, 9);
  const Tensor pairs = separate->run(feeds({r0[0], r1[0]}, {r0[1], r1[1]}, {r0[2], r1[2]}))[0];
  const auto alone = [&](const std::vector<int64_t>& text) {
    const std::vector<int64_t> zeros(text.size(), 0), ones(text.size(), 1);
    return token_states(plain->run(feeds({text}, {zeros}, {ones}))[0], 0, 0, static_cast<int64_t>(text.size()));
  };
  expect_near(token_states(pairs, 0, 0, 5), alone(a0), "pair 0, first text");
  expect_near(token_states(pairs, 0, 5, 4), alone(b0), "pair 0, second text");
  expect_near(token_states(pairs, 1, 0, 3), alone(a1), "pair 1, first text");
  expect_near(token_states(pairs, 1, 3, 5), alone(b1), "pair 1, second text (no padding)");
}

INSTANTIATE_TEST_SUITE_P(Families, SeparateTexts, ::testing::Values("bert", "electra"));

// A copy of the tiny BERT checkpoint (its tokenizer.json has a BertProcessing post-processor).
fs::path copy_checkpoint(const TempDir& dir) {
  const fs::path to = dir.path() / "checkpoint";
  fs::copy(kRealExports / "bert_opset17", to, fs::copy_options::recursive);
  return to;
}

TEST(SeparateTextsExport, TheTokenizerGivesTheSecondTextItsOwnSpecialTokens) {
  TempDir dir;
  HfExportOptions options;
  options.head = HeadKind::pair_cosine;
  options.separate_texts = true;
  export_hf_checkpoint(copy_checkpoint(dir), dir.path() / "out", options);
  const Tokenizer plain = Tokenizer::from_dir(kRealExports / "bert_opset17");
  const Tokenizer exported = Tokenizer::from_dir(dir.path() / "out");
  const Encoding a = plain.encode("a plane is taking off"), b = plain.encode("an air plane");
  const Encoding pair = exported.encode_pair("a plane is taking off", "an air plane", 0);
  std::vector<int32_t> ids = a.ids;
  ids.insert(ids.end(), b.ids.begin(), b.ids.end());
  EXPECT_EQ(pair.ids, ids);
  std::vector<int32_t> types(a.ids.size(), 0);
  types.resize(ids.size(), 1);
  EXPECT_EQ(pair.type_ids, types);
  EXPECT_EQ(exported.encode("a plane is taking off").ids, a.ids);  // one text: as before
}

TEST(SeparateTextsExport, ErrorsNameTheCause) {
  TempDir dir;
  const fs::path checkpoint = copy_checkpoint(dir);
  HfExportOptions options;
  options.separate_texts = true;
  EXPECT_EQ(error_of([&] { export_hf_checkpoint(checkpoint, dir.path() / "a", options); }),
            "encoding the texts separately needs the pair-cosine head, which compares them");
  options.head = HeadKind::pair_cosine;

  json_access::Json tokenizer = json_access::read_file(checkpoint / "tokenizer.json");
  tokenizer["post_processor"] = {{"type", "ByteLevel"}};
  std::ofstream(checkpoint / "tokenizer.json") << tokenizer.dump();
  EXPECT_EQ(error_of([&] { export_hf_checkpoint(checkpoint, dir.path() / "b", options); }),
            "tokenizer.json: post_processor.type: expected TemplateProcessing or BertProcessing to encode the texts "
            "separately, got ByteLevel");
  EXPECT_FALSE(fs::exists(dir.path() / "b"));

  fs::remove(checkpoint / "tokenizer.json");
  EXPECT_TRUE(Contains(error_of([&] { export_hf_checkpoint(checkpoint, dir.path() / "c", options); }),
                       "tokenizer.json: no such file (encoding the texts separately rewrites its pair template)"));

  const fs::path roberta = kRealExports / "roberta_opset17";
  HeadOptions head;
  head.kind = HeadKind::pair_cosine;
  EncoderOptions encoder;
  encoder.separate_texts = true;
  EXPECT_TRUE(Contains(error_of([&] {
                         build_sequence_classifier(read_encoder_config(roberta / "config.json"),
                                                   SafetensorsFile::open(roberta / "model.safetensors"), head, encoder);
                       }),
                       "token_type_ids"));
}

}  // namespace
}  // namespace xenc
