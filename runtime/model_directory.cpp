#include "runtime/model_directory.h"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "graph/error.h"
#include "runtime/tokenizer/json_access.h"

namespace xenc {

namespace fs = std::filesystem;
using namespace json_access;

namespace {

bool is_onnx_file(const fs::path& p) {
  std::error_code ec;
  return p.extension() == ".onnx" && fs::is_regular_file(p, ec);
}

// model.onnx at the top, and onnx/model*.onnx (the layout of published
// repositories: model.onnx, model_O3.onnx, model_qint8_avx512.onnx, ...).
std::vector<fs::path> candidate_onnx_files(const fs::path& dir) {
  std::vector<fs::path> found;
  if (is_onnx_file(dir / "model.onnx")) found.push_back("model.onnx");
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir / "onnx", ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("model") && is_onnx_file(e.path())) found.push_back(fs::path("onnx") / name);
  }
  std::sort(found.begin(), found.end());
  return found;
}

fs::path chosen_onnx_file(const fs::path& dir, const std::string& requested) {
  if (!requested.empty()) {
    const fs::path relative = fs::path(requested).lexically_normal();
    if (relative.is_absolute() || relative.empty() || *relative.begin() == "..")
      throw Error(dir.string() + ": --onnx-file '" + requested + "' must be a path inside the model directory");
    const fs::path file = dir / relative;
    std::error_code ec;
    const fs::path real_dir = fs::canonical(dir, ec);
    const fs::path real_file = fs::weakly_canonical(file, ec);
    const auto [d, f] = std::mismatch(real_dir.begin(), real_dir.end(), real_file.begin(), real_file.end());
    if (d != real_dir.end()) throw Error(file.string() + ": leaves the model directory (a symlink?)");
    if (!is_onnx_file(file)) throw Error(file.string() + ": no such ONNX file");
    return file;
  }
  const std::vector<fs::path> found = candidate_onnx_files(dir);
  if (found.size() == 1) return dir / found.front();
  if (found.empty()) throw Error(dir.string() + ": no ONNX model (expected model.onnx or onnx/model*.onnx)");
  if (std::ranges::find(found, fs::path("onnx/model.onnx")) != found.end()) return dir / "onnx" / "model.onnx";
  std::string names;
  for (const fs::path& p : found) names += (names.empty() ? "" : ", ") + p.string();
  throw Error(dir.string() + ": several ONNX models (" + names + "); choose one with --onnx-file");
}

// id2label {"0": "negative", "1": "positive"} -> ["negative", "positive"].
std::vector<std::string> read_labels(const Json& config, const std::string& where) {
  const Json* id2label = optional_member(config, "id2label");
  if (id2label == nullptr) return {};
  const std::string at = path(where, "id2label");
  require_object(*id2label, at);
  std::vector<std::string> labels(id2label->size());
  std::vector<bool> seen(labels.size());
  for (const auto& [key, value] : id2label->items()) {
    size_t id = 0;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (ec != std::errc() || end != key.data() + key.size() || id >= labels.size() || seen[id])
      fail(at, "keys must be the ids 0.." + std::to_string(labels.size() - 1) + ", got '" + key + "'");
    labels[id] = as_string(value, path(at, key));
    seen[id] = true;
  }
  return labels;
}

std::optional<Activation> read_activation(const Json& config, const std::string& where) {
  std::string at;
  const Json* name = nullptr;
  if (const Json* st = optional_member(config, "sentence_transformers"); st && st->is_object()) {
    name = optional_member(*st, "activation_fn");
    at = path(path(where, "sentence_transformers"), "activation_fn");
  }
  if (name == nullptr) {
    name = optional_member(config, "sbert_ce_default_activation_function");
    at = path(where, "sbert_ce_default_activation_function");
  }
  if (name == nullptr) return std::nullopt;
  const std::string qualified = as_string(*name, at);  // e.g. "torch.nn.modules.activation.Sigmoid"
  const std::string cls = qualified.substr(qualified.rfind('.') + 1);
  if (cls == "Identity") return Activation::none;
  if (cls == "Sigmoid") return Activation::sigmoid;
  if (cls == "Softmax") return Activation::softmax;
  fail(at, "activation '" + qualified + "' is not supported (Identity, Sigmoid or Softmax); choose one explicitly");
}

}  // namespace

ModelDirectory ModelDirectory::open(const fs::path& dir, const std::string& onnx_file) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw Error(dir.string() + ": no such model directory");
  if (!fs::is_directory(dir, ec)) throw Error(dir.string() + ": not a directory");
  ModelDirectory m;
  m.dir = dir;
  m.onnx_file = chosen_onnx_file(dir, onnx_file);
  const fs::path config_file = dir / "config.json";
  if (fs::exists(config_file, ec)) {
    const Json config = read_file(config_file);
    const std::string where = config_file.string() + ": ";
    require_object(config, where);
    m.labels = read_labels(config, where);
    m.activation = read_activation(config, where);
  }
  return m;
}

}  // namespace xenc
