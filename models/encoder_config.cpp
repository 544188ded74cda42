#include "models/encoder_config.h"

#include "runtime/tokenizer/json_access.h"

namespace xenc {

using namespace json_access;

namespace {

struct FamilyDefaults {
  EncoderFamily family;
  int64_t pad_token_id;
};

FamilyDefaults family_of(const std::string& model_type, const std::string& where) {
  if (model_type == "bert") return {EncoderFamily::kBert, 0};
  if (model_type == "roberta") return {EncoderFamily::kRoberta, 1};
  if (model_type == "xlm-roberta") return {EncoderFamily::kXlmRoberta, 1};
  if (model_type == "electra") return {EncoderFamily::kElectra, 0};
  fail(where, "'" + model_type + "' is not supported (bert, roberta, xlm-roberta or electra)");
}

int64_t positive(const Json& config, const char* key, const std::string& where) {
  const int64_t v = as_int(member(config, key, where), path(where, key));
  if (v <= 0) fail(path(where, key), "must be positive, got " + std::to_string(v));
  return v;
}

int64_t int_or(const Json& config, const char* key, const std::string& where, int64_t fallback) {
  const Json* v = optional_member(config, key);
  return v ? as_int(*v, path(where, key)) : fallback;
}

double number_or(const Json& config, const char* key, const std::string& where, double fallback) {
  const Json* v = optional_member(config, key);
  return v ? as_double(*v, path(where, key)) : fallback;
}

std::string string_or(const Json& config, const char* key, const std::string& where, const std::string& fallback) {
  const Json* v = optional_member(config, key);
  return v ? as_string(*v, path(where, key)) : fallback;
}

}  // namespace

EncoderConfig read_encoder_config(const std::filesystem::path& config_file) {
  const Json config = read_file(config_file);
  const std::string where = config_file.string() + ": ";
  require_object(config, where);

  EncoderConfig c;
  c.model_type = as_string(member(config, "model_type", where), path(where, "model_type"));
  const FamilyDefaults defaults = family_of(c.model_type, path(where, "model_type"));
  c.family = defaults.family;
  c.vocab_size = positive(config, "vocab_size", where);
  c.hidden_size = positive(config, "hidden_size", where);
  c.num_hidden_layers = positive(config, "num_hidden_layers", where);
  c.num_attention_heads = positive(config, "num_attention_heads", where);
  c.intermediate_size = positive(config, "intermediate_size", where);
  c.max_position_embeddings = positive(config, "max_position_embeddings", where);
  if (c.hidden_size % c.num_attention_heads != 0)
    fail(path(where, "hidden_size"), std::to_string(c.hidden_size) + " is not a multiple of num_attention_heads " +
                                         std::to_string(c.num_attention_heads));
  c.type_vocab_size = int_or(config, "type_vocab_size", where, 2);
  if (c.type_vocab_size <= 0) fail(path(where, "type_vocab_size"), "must be positive");
  c.layer_norm_eps = number_or(config, "layer_norm_eps", where, 1e-12);
  c.hidden_act = string_or(config, "hidden_act", where, "gelu");
  if (c.hidden_act != "gelu")
    fail(path(where, "hidden_act"), "'" + c.hidden_act + "' is not supported (only 'gelu', the exact Erf GELU)");
  const std::string positions = string_or(config, "position_embedding_type", where, "absolute");
  if (positions != "absolute")
    fail(path(where, "position_embedding_type"), "'" + positions + "' is not supported (only 'absolute')");
  c.pad_token_id = int_or(config, "pad_token_id", where, defaults.pad_token_id);
  // ElectraConfig's default embedding_size is 128; the other families embed at the hidden size.
  c.embedding_size = c.family == EncoderFamily::kElectra ? int_or(config, "embedding_size", where, 128) : c.hidden_size;
  if (c.embedding_size <= 0) fail(path(where, "embedding_size"), "must be positive");
  c.initializer_range = number_or(config, "initializer_range", where, 0.02);
  if (const Json* id2label = optional_member(config, "id2label")) {
    require_object(*id2label, path(where, "id2label"));
    c.num_labels = static_cast<int64_t>(id2label->size());
  } else {
    c.num_labels = int_or(config, "num_labels", where, 2);
  }
  if (c.num_labels <= 0) fail(path(where, "num_labels"), "needs at least one label");
  return c;
}

std::string class_prefix(EncoderFamily family) {
  switch (family) {
    case EncoderFamily::kBert: return "Bert";
    case EncoderFamily::kRoberta: return "Roberta";
    case EncoderFamily::kXlmRoberta: return "XLMRoberta";
    case EncoderFamily::kElectra: return "Electra";
  }
  return "";
}

std::string base_model_prefix(EncoderFamily family) {
  switch (family) {
    case EncoderFamily::kBert: return "bert";
    case EncoderFamily::kRoberta:
    case EncoderFamily::kXlmRoberta: return "roberta";
    case EncoderFamily::kElectra: return "electra";
  }
  return "";
}

}  // namespace xenc
