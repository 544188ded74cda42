#include <gtest/gtest.h>

#include "graph_builders.h"
#include "models/encoder_config.h"
#include "temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::TempDir;

const fs::path kRealExports = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "real_exports";

nlohmann::json minimal_config(const std::string& model_type) {
  return {{"model_type", model_type}, {"vocab_size", 100},          {"hidden_size", 64},
          {"num_hidden_layers", 2},   {"num_attention_heads", 4},   {"intermediate_size", 128},
          {"max_position_embeddings", 66}};
}

TEST(EncoderConfig, ReadsTheFixtureConfigs) {
  const EncoderConfig bert = read_encoder_config(kRealExports / "bert_opset17" / "config.json");
  EXPECT_EQ(bert.family, EncoderFamily::kBert);
  EXPECT_EQ(bert.vocab_size, 3000);
  EXPECT_EQ(bert.hidden_size, 32);
  EXPECT_EQ(bert.num_hidden_layers, 2);
  EXPECT_EQ(bert.num_attention_heads, 2);
  EXPECT_EQ(bert.head_size(), 16);
  EXPECT_EQ(bert.intermediate_size, 128);
  EXPECT_EQ(bert.max_position_embeddings, 64);
  EXPECT_EQ(bert.type_vocab_size, 2);
  EXPECT_EQ(bert.pad_token_id, 0);
  EXPECT_EQ(bert.embedding_size, 32);
  EXPECT_DOUBLE_EQ(bert.layer_norm_eps, 1e-12);
  EXPECT_DOUBLE_EQ(bert.initializer_range, 0.2);
  EXPECT_EQ(bert.num_labels, 1);

  const EncoderConfig roberta = read_encoder_config(kRealExports / "roberta_opset17" / "config.json");
  EXPECT_EQ(roberta.family, EncoderFamily::kRoberta);
  EXPECT_EQ(roberta.pad_token_id, 1);
  EXPECT_EQ(roberta.type_vocab_size, 1);
  EXPECT_EQ(roberta.num_labels, 3);

  const EncoderConfig xlmr = read_encoder_config(kRealExports / "xlm_roberta_opset17" / "config.json");
  EXPECT_EQ(xlmr.family, EncoderFamily::kXlmRoberta);
  EXPECT_EQ(base_model_prefix(xlmr.family), "roberta");
  EXPECT_EQ(class_prefix(xlmr.family), "XLMRoberta");

  const EncoderConfig electra = read_encoder_config(kRealExports / "electra_opset17" / "config.json");
  EXPECT_EQ(electra.family, EncoderFamily::kElectra);
  EXPECT_EQ(electra.embedding_size, 32);
  EXPECT_EQ(electra.hidden_size, 64);
  EXPECT_EQ(electra.num_labels, 2);
}

TEST(EncoderConfig, DefaultsFollowTransformers) {
  TempDir dir;
  dir.write_json("roberta.json", minimal_config("roberta"));
  const EncoderConfig roberta = read_encoder_config(dir.path() / "roberta.json");
  EXPECT_EQ(roberta.pad_token_id, 1);
  EXPECT_EQ(roberta.type_vocab_size, 2);
  EXPECT_EQ(roberta.hidden_act, "gelu");
  EXPECT_EQ(roberta.embedding_size, 64);
  EXPECT_EQ(roberta.num_labels, 2);
  EXPECT_DOUBLE_EQ(roberta.initializer_range, 0.02);
  dir.write_json("electra.json", minimal_config("electra"));
  EXPECT_EQ(read_encoder_config(dir.path() / "electra.json").embedding_size, 128);
  nlohmann::json with_labels = minimal_config("bert");
  with_labels["num_labels"] = 5;
  dir.write_json("bert.json", with_labels);
  EXPECT_EQ(read_encoder_config(dir.path() / "bert.json").num_labels, 5);
}

TEST(EncoderConfig, UnsupportedSettingsNameTheKey) {
  TempDir dir;
  const auto error_with = [&](const std::string& key, const nlohmann::json& value) {
    nlohmann::json config = minimal_config("bert");
    if (value.is_null())
      config.erase(key);
    else
      config[key] = value;
    dir.write_json("config.json", config);
    return error_of([&] { read_encoder_config(dir.path() / "config.json"); });
  };
  const std::string file = (dir.path() / "config.json").string();
  EXPECT_EQ(error_with("model_type", "deberta-v2"),
            file + ": model_type: 'deberta-v2' is not supported (bert, roberta, xlm-roberta or electra)");
  EXPECT_EQ(error_with("hidden_act", "relu"),
            file + ": hidden_act: 'relu' is not supported (only 'gelu', the exact Erf GELU)");
  EXPECT_EQ(error_with("position_embedding_type", "relative_key"),
            file + ": position_embedding_type: 'relative_key' is not supported (only 'absolute')");
  EXPECT_EQ(error_with("num_attention_heads", 3),
            file + ": hidden_size: 64 is not a multiple of num_attention_heads 3");
  EXPECT_EQ(error_with("vocab_size", nullptr), file + ": vocab_size: missing");
  EXPECT_EQ(error_with("hidden_size", 0), file + ": hidden_size: must be positive, got 0");
  EXPECT_EQ(error_with("layer_norm_eps", "small"), file + ": layer_norm_eps: expected a number, got string");
}

}  // namespace
}  // namespace xenc
