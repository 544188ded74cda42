#include "trainer/trainer.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "exporter/export_directory.h"
#include "exporter/updated_export.h"
#include "graph/error.h"
#include "graph/onnx_loader.h"
#include "graph/shape_inference.h"
#include "ops/registry.h"
#include "runtime/cpu_count.h"
#include "runtime/cross_encoder.h"
#include "runtime/labelled_pairs.h"
#include "runtime/model_directory.h"
#include "runtime/model_feeds.h"
#include "runtime/thread_arena.h"
#include "trainer/checkpoint.h"
#include "trainer/dropout_sites.h"
#include "trainer/parameter_selection.h"
#include "trainer/trainable_graph.h"
#include "trainer/training_data.h"

namespace xenc {

namespace fs = std::filesystem;

namespace {

// The output the loss reads: "logits" when the graph has it, else the first.
std::string logits_name(const Graph& graph) {
  for (const GraphValue& out : graph.outputs)
    if (out.name == "logits") return out.name;
  if (graph.outputs.empty()) throw Error("the graph has no outputs");
  return graph.outputs.front().name;
}

size_t label_count(const Graph& graph, const std::string& logits) {
  const ValueType& type = graph.value_types.at(logits);
  if (!type.shape || type.shape->size() != 2 || !type.shape->back().is_known())
    throw Error("output '" + logits + "' has shape " + type.str() + "; expected [batch, labels] with known labels");
  return static_cast<size_t>(type.shape->back().value);
}

// The metric that picks the best checkpoint: Spearman, else accuracy.
double selection_metric(const std::vector<std::pair<std::string, double>>& metrics) {
  for (const char* name : {"spearman", "accuracy"})
    for (const auto& [key, value] : metrics)
      if (key == name) return std::isnan(value) ? -INFINITY : value;
  return -INFINITY;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

uint64_t step_seed(uint64_t seed, int64_t step) {
  uint64_t x = seed ^ (static_cast<uint64_t>(step) * 0x9e3779b97f4a7c15ull);
  x = (x ^ (x >> 32)) * 0xd6e8feb86659fd93ull;
  return x ^ (x >> 32);
}

std::map<std::string, Tensor> copy_parameters(const std::map<std::string, Tensor>& parameters) {
  std::map<std::string, Tensor> copy;
  for (const auto& [name, tensor] : parameters) copy.emplace(name, tensor.clone());
  return copy;
}

// Writes `from`'s values into `into`'s storage (which the graph shares).
void assign(std::map<std::string, Tensor>& into, const std::map<std::string, Tensor>& from) {
  for (auto& [name, tensor] : into) std::memcpy(tensor.raw(), from.at(name).raw(), tensor.nbytes());
}

// What a resumed run must share with the run that wrote its checkpoint.
nlohmann::json run_settings(const TrainOptions& o) {
  return {{"epochs", o.epochs},
          {"batch_size", o.batch_size},
          {"learning_rate", o.adamw.learning_rate},
          {"weight_decay", o.adamw.weight_decay},
          {"warmup_ratio", o.warmup_ratio},
          {"max_grad_norm", o.max_grad_norm},
          {"seed", o.seed},
          {"freeze", o.freeze},
          {"loss", loss_name(o.loss)},
          {"label_range", {o.label_low, o.label_high}},
          {"dropout", o.dropout},
          {"add_swapped_pairs", o.add_swapped_pairs},
          {"max_length", o.max_length},
          {"train_file", fs::absolute(o.train_file).lexically_normal().string()},
          {"dev_file", o.dev_file.empty() ? "" : fs::absolute(o.dev_file).lexically_normal().string()}};
}

// The dev metrics of the current parameters, scored by the inference path
// (CrossEncoder) from a model directory written for the purpose.
std::vector<std::pair<std::string, double>> dev_metrics(const ModelDirectory& source,
                                                        const std::map<std::string, Tensor>& parameters,
                                                        const LabelledPairs& dev, const fs::path& scratch,
                                                        size_t threads, size_t max_length) {
  fs::remove_all(scratch);
  export_updated_model(source, parameters, scratch);
  CrossEncoderOptions options;
  options.threads = threads;
  options.max_length = max_length;
  options.onnx_file = source.onnx_file.lexically_relative(source.dir).string();
  std::vector<std::pair<std::string, double>> metrics;
  {
    const CrossEncoder evaluator(scratch, options);
    metrics = pair_metrics(evaluator.predict(dev.pairs), dev, evaluator.activation());
  }
  fs::remove_all(scratch);
  return metrics;
}

nlohmann::json epoch_log_line(const EpochResult& e) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, value] : e.dev_metrics) metrics[name] = value;
  return {{"epoch", e.epoch}, {"train_loss", e.train_loss}, {"dev", metrics}, {"seconds", e.seconds}};
}

}  // namespace

TrainResult train(const TrainOptions& options, const TrainObserver& observer) {
  if (options.epochs < 1) throw Error("--epochs must be at least 1");
  if (options.batch_size < 1) throw Error("--batch-size must be at least 1");
  if (!(options.label_high > options.label_low)) throw Error("--label-range: the upper end must exceed the lower");
  const FreezeSpec freeze = parse_freeze(options.freeze);
  const ModelDirectory source = ModelDirectory::open(options.model_dir, options.onnx_file);
  const fs::path checkpoints =
      options.checkpoint_dir.empty() ? fs::path(options.out_dir.string() + ".checkpoints") : options.checkpoint_dir;
  check_export_destination(export_destination(options.out_dir));

  Model model = load_onnx(source.onnx_file);
  infer_shapes(model.graph, OpRegistry::instance());
  const std::string logits = logits_name(model.graph);
  const LabelRule rule{options.loss, options.label_low, options.label_high, label_count(model.graph, logits)};

  // Everything about the data is checked before any training starts.
  const Tokenizer tokenizer = Tokenizer::from_dir(source.dir);
  const size_t max_length = options.max_length != 0 ? options.max_length : tokenizer.max_length();
  const std::vector<TrainingExample> examples =
      make_examples(read_labelled_pairs(options.train_file), rule, tokenizer, max_length, options.add_swapped_pairs);
  std::optional<LabelledPairs> dev;
  if (!options.dev_file.empty()) dev = read_labelled_pairs(options.dev_file);

  std::map<std::string, size_t> ranks;
  if (freeze.kind != FreezeSpec::Kind::none) {  // one short pair through the graph, for the ranks
    const TrainableGraph probe(model.graph, {});
    const ModelFeeds probe_feeds(probe.graph().inputs, source.onnx_file.string());
    const Encoding pair = tokenizer.encode_pair("a", "b", max_length);
    ranks = probe.value_ranks(probe.forward(probe_feeds.feeds(tokenizer.pad(std::span(&pair, 1)))));
  }
  const std::set<std::string> trainable = trainable_parameters(model.graph, freeze, ranks);
  const std::set<std::string> no_decay = no_decay_parameters(model.graph, trainable);
  std::vector<DropoutSite> dropout;
  if (options.dropout) dropout = find_dropout_sites(model.graph, read_dropout_rates(source.dir));
  TrainableGraph graph(std::move(model.graph), trainable, dropout);
  const ModelFeeds feeds(graph.graph().inputs, source.onnx_file.string());
  AdamW optimizer(graph.parameters(), options.adamw, no_decay);

  TrainResult result;
  for (const auto& [name, tensor] : graph.parameters()) result.trainable_parameters += static_cast<size_t>(tensor.numel());
  const auto steps_per_epoch = static_cast<int64_t>(epoch_batches(examples, options.batch_size, options.seed, 0).size());
  const int64_t total_steps = steps_per_epoch * options.epochs;
  const auto warmup = static_cast<int64_t>(std::ceil(static_cast<double>(total_steps) * options.warmup_ratio));
  TrainerState state;
  state.settings = run_settings(options);
  state.best_metric = -INFINITY;
  std::map<std::string, Tensor> best;
  const std::optional<int> latest = latest_checkpoint(checkpoints);
  if (options.resume) {
    if (!latest) throw Error(checkpoints.string() + ": no checkpoint to resume from");
    Checkpoint c = read_checkpoint(checkpoints, *latest, source, graph.parameters());
    if (c.state.settings != state.settings)
      throw Error(checkpoint_path(checkpoints, *latest).string() + ": written by a run with other settings (" +
                  c.state.settings.dump() + "); resume with the same ones");
    assign(graph.parameters(), c.parameters);
    optimizer.first_moments() = std::move(c.first_moments);
    optimizer.second_moments() = std::move(c.second_moments);
    optimizer.set_steps(c.state.step);
    state = c.state;
    best = state.best_epoch == *latest
               ? copy_parameters(graph.parameters())
               : read_checkpoint(checkpoints, state.best_epoch, source, graph.parameters()).parameters;
    result.epochs = state.epochs;
    result.best_epoch = state.best_epoch;
  } else if (latest) {
    throw Error(checkpoints.string() + ": holds checkpoints of an earlier run; pass --resume to continue it, or "
                "remove the directory");
  }
  fs::create_directories(checkpoints);
  std::ofstream log;
  if (!options.log_file.empty()) {  // a resumed run adds to its log
    log.open(options.log_file, options.resume ? std::ios::app : std::ios::trunc);
    if (!log) throw Error(options.log_file.string() + ": cannot open the log for writing");
  }
  if (observer.on_start) observer.on_start(static_cast<size_t>(total_steps - state.step));
  const size_t threads = options.threads == 0 ? available_cpus() : options.threads;
  int64_t step = state.step;
  for (int epoch = state.epoch + 1; epoch <= options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    EpochResult epoch_result{epoch, 0, {}, 0};
    const std::vector<std::vector<size_t>> batches = epoch_batches(examples, options.batch_size, options.seed, epoch);
    thread_arena(threads).execute([&] {
      for (const std::vector<size_t>& batch : batches) {
        std::vector<Encoding> encodings;
        std::vector<float> targets;
        for (size_t i : batch) {
          encodings.push_back(examples[i].encoding);
          targets.push_back(examples[i].target);
        }
        const uint64_t seed = step_seed(options.seed, step);
        const Tape tape = graph.forward(feeds.feeds(tokenizer.pad(encodings)), options.dropout ? &seed : nullptr);
        const LossValue loss = compute_loss(options.loss, graph.value(tape, logits), targets);
        const std::map<std::string, Gradient> grads = graph.backward(tape, {{logits, loss.logits_grad}});
        const double norm = gradient_norm(grads);
        const double scale = clip_scale(norm, options.max_grad_norm);
        const double lr = options.adamw.learning_rate * linear_schedule(step, warmup, total_steps);
        optimizer.step(grads, lr, scale);
        ++step;
        epoch_result.train_loss += loss.loss / static_cast<double>(batches.size());
        if (log)
          log << nlohmann::json{{"step", step},           {"epoch", epoch},
                                {"loss", loss.loss},      {"lr", lr},
                                {"grad_norm", norm},      {"pairs", batch.size()},
                                {"epoch_seconds", seconds_since(start)}}
                     .dump()
              << "\n";
        if (observer.on_step) observer.on_step(static_cast<size_t>(step), loss.loss, lr);
      }
    });
    if (dev)
      epoch_result.dev_metrics =
          dev_metrics(source, graph.parameters(), *dev, checkpoints / "dev-evaluation", threads, max_length);
    epoch_result.seconds = seconds_since(start);
    const double metric = dev ? selection_metric(epoch_result.dev_metrics) : static_cast<double>(epoch);
    if (metric > state.best_metric || best.empty()) {
      state.best_metric = metric;
      state.best_epoch = epoch;
      best = copy_parameters(graph.parameters());
      result.best_epoch = epoch;
    }
    state.epoch = epoch;
    state.step = step;
    state.epochs.push_back(epoch_result);
    write_checkpoint(checkpoints, source,
                     Checkpoint{state, graph.parameters(), optimizer.first_moments(), optimizer.second_moments()});
    remove_checkpoints_except(checkpoints, {epoch, state.best_epoch});
    if (log) log << epoch_log_line(epoch_result).dump() << std::endl;
    result.epochs.push_back(epoch_result);
    if (observer.on_epoch) observer.on_epoch(epoch_result);
  }
  export_updated_model(source, best, options.out_dir);
  fs::remove_all(checkpoints);
  return result;
}

}  // namespace xenc
