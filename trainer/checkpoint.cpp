#include "trainer/checkpoint.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "exporter/updated_export.h"
#include "graph/atomic_file.h"
#include "graph/error.h"
#include "graph/onnx_loader.h"
#include "runtime/tokenizer/json_access.h"

namespace xenc {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStateFile = "trainer_state.json";
constexpr const char* kOptimizerFile = "optimizer_state.bin";

nlohmann::json epoch_json(const EpochResult& e) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const auto& [name, value] : e.dev_metrics) metrics.push_back({name, value});
  return {{"epoch", e.epoch}, {"train_loss", e.train_loss}, {"dev", metrics}, {"seconds", e.seconds}};
}

EpochResult epoch_from_json(const nlohmann::json& j) {
  EpochResult e{j.at("epoch").get<int>(), j.at("train_loss").get<double>(), {}, j.at("seconds").get<double>()};
  for (const auto& m : j.at("dev")) e.dev_metrics.emplace_back(m.at(0).get<std::string>(), m.at(1).get<double>());
  return e;
}

}  // namespace

fs::path checkpoint_path(const fs::path& checkpoints, int epoch) {
  return checkpoints / ("epoch-" + std::to_string(epoch));
}

void write_checkpoint(const fs::path& checkpoints, const ModelDirectory& source, const Checkpoint& checkpoint) {
  const TrainerState& s = checkpoint.state;
  export_updated_model(source, checkpoint.parameters, checkpoint_path(checkpoints, s.epoch), [&](const fs::path& staging) {
    std::string moments;
    nlohmann::json layout = nlohmann::json::array();
    for (const auto& [name, m] : checkpoint.first_moments) {
      const Tensor& v = checkpoint.second_moments.at(name);
      layout.push_back({{"name", name}, {"shape", m.shape()}, {"offset", moments.size()}});
      moments.append(static_cast<const char*>(m.raw()), m.nbytes());
      moments.append(static_cast<const char*>(v.raw()), v.nbytes());
    }
    write_file_atomically(staging / kOptimizerFile, moments);
    nlohmann::json epochs = nlohmann::json::array();
    for (const EpochResult& e : s.epochs) epochs.push_back(epoch_json(e));
    const nlohmann::json state = {{"epoch", s.epoch},           {"step", s.step},     {"best_epoch", s.best_epoch},
                                  {"best_metric", std::isfinite(s.best_metric) ? nlohmann::json(s.best_metric) : nlohmann::json()}, {"epochs", epochs}, {"settings", s.settings},
                                  {"optimizer", layout}};
    write_file_atomically(staging / kStateFile, state.dump(1));
  });
}

std::optional<int> latest_checkpoint(const fs::path& checkpoints) {
  std::optional<int> latest;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(checkpoints, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("epoch-", 0) != 0 || !entry.is_directory(ec)) continue;
    const std::string number = name.substr(6);
    if (number.empty() || number.size() > 6 || !std::ranges::all_of(number, [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    latest = std::max(latest.value_or(0), std::stoi(number));
  }
  return latest;
}

Checkpoint read_checkpoint(const fs::path& checkpoints, int epoch, const ModelDirectory& source,
                           const std::map<std::string, Tensor>& parameters) {
  const fs::path dir = checkpoint_path(checkpoints, epoch);
  const fs::path state_file = dir / kStateFile;
  Checkpoint c;
  nlohmann::json state;
  try {
    state = nlohmann::json::parse(json_access::read_text_file(state_file));
    TrainerState& s = c.state;
    s.epoch = state.at("epoch").get<int>();
    s.step = state.at("step").get<int64_t>();
    s.best_epoch = state.at("best_epoch").get<int>();
    // JSON has no infinity: a best epoch without a finite metric is null.
    s.best_metric = state.at("best_metric").is_null() ? -INFINITY : state.at("best_metric").get<double>();
    for (const auto& e : state.at("epochs")) s.epochs.push_back(epoch_from_json(e));
    s.settings = state.at("settings");
  } catch (const nlohmann::json::exception& e) {
    throw Error(state_file.string() + ": " + e.what());
  }

  const fs::path model_file = dir / source.onnx_file.lexically_relative(source.dir);
  const std::map<std::string, Tensor> stored = load_onnx(model_file).graph.initializers;
  for (const auto& [name, tensor] : parameters) {
    const auto it = stored.find(name);
    if (it == stored.end() || it->second.shape() != tensor.shape() || it->second.dtype() != tensor.dtype())
      throw Error(model_file.string() + ": parameter '" + name + "' is missing or has another shape");
    c.parameters.emplace(name, it->second.clone());
  }

  const fs::path moments_file = dir / kOptimizerFile;
  const std::string moments = json_access::read_text_file(moments_file);
  for (const auto& entry : state.at("optimizer")) {
    const std::string name = entry.at("name").get<std::string>();
    const auto param = parameters.find(name);
    const auto offset = entry.at("offset").get<size_t>();
    if (param == parameters.end() || entry.at("shape").get<Shape>() != param->second.shape())
      throw Error(state_file.string() + ": optimizer state for '" + name + "' does not fit this run's parameters");
    const size_t bytes = param->second.nbytes();
    if (offset > moments.size() || moments.size() - offset < 2 * bytes)
      throw Error(moments_file.string() + ": shorter than its layout in " + kStateFile);
    Tensor m(DType::kFloat, param->second.shape()), v(DType::kFloat, param->second.shape());
    std::memcpy(m.raw(), moments.data() + offset, bytes);
    std::memcpy(v.raw(), moments.data() + offset + bytes, bytes);
    c.first_moments.emplace(name, std::move(m));
    c.second_moments.emplace(name, std::move(v));
  }
  if (c.first_moments.size() != parameters.size())
    throw Error(state_file.string() + ": optimizer state covers " + std::to_string(c.first_moments.size()) + " of " +
                std::to_string(parameters.size()) + " parameters");
  return c;
}

void remove_checkpoints_except(const fs::path& checkpoints, const std::vector<int>& keep) {
  const std::optional<int> latest = latest_checkpoint(checkpoints);
  for (int epoch = 1; latest && epoch <= *latest; ++epoch)
    if (std::ranges::find(keep, epoch) == keep.end()) fs::remove_all(checkpoint_path(checkpoints, epoch));
}

}  // namespace xenc
