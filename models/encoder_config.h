// What the exporter needs from a Hugging Face config.json of a BERT-family
// encoder. Keys transformers would default are defaulted the same way (per
// family: BertConfig, RobertaConfig, XLMRobertaConfig, ElectraConfig);
// the sizes that define the weights are required. Anything the builders do
// not implement (another hidden_act, relative position embeddings, a
// decoder) is an error naming the file and the key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace xenc {

enum class EncoderFamily { kBert, kRoberta, kXlmRoberta, kElectra };

struct EncoderConfig {
  EncoderFamily family = EncoderFamily::kBert;
  std::string model_type;  // as config.json spells it: "bert", "roberta", "xlm-roberta", "electra"
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t intermediate_size = 0;
  int64_t max_position_embeddings = 0;
  int64_t type_vocab_size = 0;
  double layer_norm_eps = 0;
  std::string hidden_act;  // always "gelu" (the exact, Erf form) once read
  int64_t pad_token_id = 0;
  int64_t embedding_size = 0;  // ELECTRA's may differ from hidden_size; the others' equals it
  double initializer_range = 0;
  // The size of id2label, else "num_labels", else transformers' default 2.
  int64_t num_labels = 0;

  int64_t head_size() const { return hidden_size / num_attention_heads; }
};

EncoderConfig read_encoder_config(const std::filesystem::path& config_file);

// "Bert", "Roberta", "XLMRoberta", "Electra": the prefix of transformers'
// class names (<prefix>ForSequenceClassification).
std::string class_prefix(EncoderFamily family);
// The attribute that holds the encoder in the task models, which prefixes
// the encoder's weight names: "bert", "roberta" (XLM-R too), "electra".
std::string base_model_prefix(EncoderFamily family);

}  // namespace xenc
