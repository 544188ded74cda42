#include "exporter/hf_export.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "exporter/safetensors.h"
#include "graph/atomic_file.h"
#include "graph/error.h"
#include "models/sequence_classifier.h"
#include "runtime/tokenizer/json_access.h"

namespace xenc {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr const char* kTokenizerFiles[] = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                           "added_tokens.json", "vocab.txt", "vocab.json", "merges.txt"};

// `out` must not exist, or be an empty directory; its parent must exist.
void check_destination(const fs::path& out) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(out, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) throw Error(out.string() + ": exists and is not a directory");
    if (!fs::is_empty(out, ec)) throw Error(out.string() + ": exists and is not empty; export into a new directory");
  }
  const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (!fs::is_directory(parent, ec)) throw Error(parent.string() + ": no such directory to export into");
}

// A directory next to the destination, removed with its contents unless it
// is renamed into place.
class StagingDirectory {
 public:
  explicit StagingDirectory(const fs::path& out) {
    const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    std::random_device random;
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string name = ".";
      name.append(out.filename().string()).append(".tmp-").append(std::to_string(random()));
      path_ = parent / name;
      // mkdir (not mkdtemp): the umask gives the finished directory its usual permissions.
      if (::mkdir(path_.c_str(), 0777) == 0) return;
      if (errno != EEXIST)
        throw Error(out.string() + ": cannot create a temporary directory in " + parent.string() + ": " +
                    std::strerror(errno));
    }
    throw Error(out.string() + ": cannot find a free temporary directory name in " + parent.string());
  }
  ~StagingDirectory() {
    if (committed_) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  StagingDirectory(const StagingDirectory&) = delete;
  StagingDirectory& operator=(const StagingDirectory&) = delete;

  const fs::path& path() const { return path_; }

  // rename(2) also replaces an empty directory.
  void commit(const fs::path& out) {
    if (::rename(path_.c_str(), out.c_str()) != 0)
      throw Error(out.string() + ": cannot move the exported directory into place: " + std::strerror(errno));
    committed_ = true;
  }

 private:
  fs::path path_;
  bool committed_ = false;
};

// config.json for the task model: the architecture, and the labels. An
// id2label and label2id with num_labels entries each are kept; otherwise
// both become transformers' defaults (LABEL_0, LABEL_1, ...).
std::string classifier_config(const fs::path& config_file, EncoderFamily family, int64_t num_labels) {
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
  return config.dump(2) + "\n";
}

std::vector<std::string> tokenizer_files(const fs::path& from) {
  std::vector<std::string> sentencepiece;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(from, ec))
    if (e.path().extension() == ".model" && e.is_regular_file(ec))
      sentencepiece.push_back(e.path().filename().string());
  std::sort(sentencepiece.begin(), sentencepiece.end());
  std::vector<std::string> names;
  for (const char* name : kTokenizerFiles)
    if (fs::is_regular_file(from / name, ec)) names.push_back(name);
  names.insert(names.end(), sentencepiece.begin(), sentencepiece.end());
  return names;
}

}  // namespace

HfExportResult export_hf_checkpoint(const fs::path& from, const fs::path& out_arg, const HfExportOptions& options) {
  // "out/" names the directory "out".
  const fs::path out = out_arg.has_filename() ? out_arg : out_arg.parent_path();
  std::error_code ec;
  if (!fs::is_directory(from, ec)) throw Error(from.string() + ": no such checkpoint directory");
  check_destination(out);
  const fs::path weights_file = from / "model.safetensors";
  if (!fs::is_regular_file(weights_file, ec))
    throw Error(weights_file.string() +
                ": no such file (sharded safetensors and pytorch_model.bin checkpoints are not supported)");

  const EncoderConfig config = read_encoder_config(from / "config.json");
  const SafetensorsFile weights = SafetensorsFile::open(weights_file);
  const SequenceClassifier model = build_sequence_classifier(config, weights, HeadOptions{options.num_labels});

  HfExportResult result{config.family, model.num_labels, model.initialized, tokenizer_files(from)};
  StagingDirectory staging(out);
  try {
    fs::create_directory(staging.path() / "onnx");
    write_onnx(model.graph, staging.path() / "onnx" / "model.onnx", options.onnx);
    write_file_atomically(staging.path() / "config.json",
                          classifier_config(from / "config.json", config.family, model.num_labels));
    for (const std::string& name : result.copied)
      write_file_atomically(staging.path() / name, json_access::read_text_file(from / name));
  } catch (const std::exception& e) {
    // Name the file by where it was going: the staging directory is gone once this returns.
    std::string message = e.what();
    const std::string staged = staging.path().string();
    for (size_t at = message.find(staged); at != std::string::npos; at = message.find(staged, at + 1))
      message.replace(at, staged.size(), out.string());
    throw Error(message);
  }
  staging.commit(out);
  return result;
}

}  // namespace xenc
