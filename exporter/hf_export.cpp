#include "exporter/hf_export.h"

#include "exporter/export_directory.h"
#include "exporter/safetensors.h"
#include "exporter/separate_texts_tokenizer.h"
#include "graph/atomic_file.h"
#include "graph/error.h"
#include "models/sequence_classifier.h"
#include "runtime/tokenizer/json_access.h"

namespace xenc {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// config.json for the task model: the architecture, and the labels. An
// id2label and label2id with num_labels entries each are kept; otherwise
// both become transformers' defaults (LABEL_0, LABEL_1, ...).
std::string classifier_config(const fs::path& config_file, EncoderFamily family, int64_t num_labels, HeadKind head) {
  Json config = json_access::read_file(config_file);
  config["architectures"] = Json::array({class_prefix(family) + "ForSequenceClassification"});
  const auto has_labels = [&](const char* key) {
    const auto it = config.find(key);
    return it != config.end() && it->is_object() && static_cast<int64_t>(it->size()) == num_labels;
  };
  if (!has_labels("id2label") || !has_labels("label2id")) {
    Json id2label = Json::object();
    Json label2id = Json::object();
    for (int64_t i = 0; i < num_labels; ++i) {
      const std::string label = "LABEL_" + std::to_string(i);
      id2label[std::to_string(i)] = label;
      label2id[label] = i;
    }
    config["id2label"] = std::move(id2label);
    config["label2id"] = std::move(label2id);
  }
  config["num_labels"] = num_labels;
  if (head == HeadKind::pair_cosine) {
    Json& sentence_transformers = config["sentence_transformers"];
    if (!sentence_transformers.is_object()) sentence_transformers = Json::object();
    sentence_transformers["activation_fn"] = "torch.nn.modules.linear.Identity";
  }
  return config.dump(2) + "\n";
}

}  // namespace

HfExportResult export_hf_checkpoint(const fs::path& from, const fs::path& out_arg, const HfExportOptions& options) {
  const fs::path out = export_destination(out_arg);
  std::error_code ec;
  if (!fs::is_directory(from, ec)) throw Error(from.string() + ": no such checkpoint directory");
  check_export_destination(out);
  const fs::path weights_file = from / "model.safetensors";
  if (!fs::is_regular_file(weights_file, ec))
    throw Error(weights_file.string() +
                ": no such file (sharded safetensors and pytorch_model.bin checkpoints are not supported)");

  if (options.separate_texts && options.head != HeadKind::pair_cosine)
    throw Error("encoding the texts separately needs the pair-cosine head, which compares them");
  if (options.separate_texts && !fs::is_regular_file(from / "tokenizer.json", ec))
    throw Error((from / "tokenizer.json").string() +
                ": no such file (encoding the texts separately rewrites its pair template)");
  const EncoderConfig config = read_encoder_config(from / "config.json");
  const SafetensorsFile weights = SafetensorsFile::open(weights_file);
  HeadOptions head;
  head.num_labels = options.num_labels;
  head.kind = options.head;
  EncoderOptions encoder;
  encoder.separate_texts = options.separate_texts;
  const SequenceClassifier model = build_sequence_classifier(config, weights, head, encoder);

  HfExportResult result{config.family, model.num_labels, model.initialized, tokenizer_files(from)};
  write_export_directory(out, [&](const fs::path& staging) {
    fs::create_directory(staging / "onnx");
    write_onnx(model.graph, staging / "onnx" / "model.onnx", options.onnx);
    write_file_atomically(staging / "config.json",
                          classifier_config(from / "config.json", config.family, model.num_labels, options.head));
    copy_files(from, result.copied, staging);
    if (options.separate_texts) write_separate_texts_tokenizer(from / "tokenizer.json", staging / "tokenizer.json");
  });
  return result;
}

}  // namespace xenc
