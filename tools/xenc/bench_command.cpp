// xenc bench DIR|MODEL.onnx [--batch B --seq T | --pairs FILE] [--threads N] [--runs R]
// [--warmup W] [--vs-ort] [--json]: model throughput, optionally side by side
// with ONNX Runtime on the same ONNX file and inputs.
//
// A pass is what one timing covers:
//  - synthetic (no --pairs): one run of a B x T batch (ids uniform in
//    [5, vocab) from a fixed seed, full attention mask, token type 0);
//  - --pairs: every pair of FILE in batches of B. xenc scores them with its
//    CrossEncoder (length-sorted batches, tokenization included); ONNX Runtime
//    (bench/ort_runner.py) tokenizes each batch of B pairs in file order with
//    HF tokenizers and pads it to its longest pair, as sentence-transformers does.
// With --vs-ort the two runtimes take turns pass by pass (after W warm-up
// passes each), so machine noise hits both. Reported per runtime: pairs/s at
// the median pass, ms per batch at the median and 90th-percentile pass, and
// GFLOP/s: the model's MatMul/Gemm FLOPs on the real (unpadded) tokens over
// the median pass. Also: the largest logit difference between the runtimes
// and the GFLOP/s of one 4096x384x1536 sgemm on the same threads (OpenBLAS
// under xenc's oneTBB split).

#include <algorithm>
#include <chrono>
#include <thread>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include <nlohmann/json.hpp>

#include "graph/onnx_loader.h"
#include "graph/tensor_proto.h"
#include "ops/common/isa.h"
#include "ops/fast/blas_core.h"
#include "ops/fast/sgemm.h"
#include "runtime/cpu_count.h"
#include "runtime/model_directory.h"
#include "runtime/session.h"
#include "runtime/thread_arena.h"
#include "runtime/tokenizer/tokenizer.h"
#include "tools/xenc/commands.h"
#include "tools/xenc/matmul_flops.h"
#include "tools/xenc/ort_runner_client.h"
#include "tools/xenc/pair_input.h"

namespace xenc::cli {

namespace {

constexpr auto kSettleTime = std::chrono::milliseconds(200);

using Json = nlohmann::ordered_json;

// Synthetic ids start past the special tokens that open RoBERTa-style
// vocabularies (<s> <pad> </s> <unk> are 0-3) and BERT's [PAD] (0).
constexpr int64_t kFirstSyntheticId = 5;
// Synthetic ids stay below this when the graph does not show its vocabulary size.
constexpr int64_t kFallbackVocabulary = 1000;
constexpr uint64_t kSyntheticSeed = 20240614;
// Logits of the two runtimes may differ by this much (the project's ONNX Runtime tolerance).
constexpr double kLogitTolerance = 1e-4;

struct BenchArgs {
  std::string model;  // a model directory or an ONNX file
  std::string onnx_file;
  int64_t batch = 32;
  int64_t seq = 128;
  std::string pairs;
  size_t threads = 0;
  size_t runs = 5;
  size_t warmup = 1;
  std::string precision = "fp32";
  bool vs_ort = false;
  std::string ort_python;
  bool json = false;
};

// A temporary directory for the inputs handed to ONNX Runtime, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "xenc-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw Error("cannot create a temporary directory " + pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// What a pass computes, for both runtimes.
struct Workload {
  std::string description;  // for the text report
  std::filesystem::path onnx_file;
  size_t pairs = 0;    // per pass
  size_t batches = 0;  // per pass
  size_t tokens = 0;   // real (unpadded) tokens per pass
  std::optional<double> flops;         // MatMul/Gemm FLOPs on those tokens
  std::vector<std::string> ort_args;   // how bench/ort_runner.py builds the same pass
  std::function<std::vector<float>()> run_xenc;  // one pass: logits, row-major, in input order
};

bool is_model_file(const std::string& model) { return !std::filesystem::is_directory(model); }

std::filesystem::path onnx_file_of(const BenchArgs& args) {
  if (!is_model_file(args.model)) return ModelDirectory::open(args.model, args.onnx_file).onnx_file;
  if (!std::filesystem::exists(args.model)) throw Error(args.model + ": no such model file or directory");
  if (!args.onnx_file.empty()) throw Error("--onnx-file goes with a model directory, not an ONNX file");
  return args.model;
}

// The row count of the table a Gather indexes with input_ids: the word embeddings.
std::optional<int64_t> id_vocabulary(const Graph& graph) {
  for (const Node& node : graph.nodes) {
    if (node.op_type != "Gather" || node.inputs.size() != 2 || node.inputs[1] != "input_ids") continue;
    const auto table = graph.initializers.find(node.inputs[0]);
    if (table != graph.initializers.end() && table->second.rank() == 2) return table->second.dim(0);
  }
  return std::nullopt;
}

Tensor token_tensor(DType dtype, int64_t batch, int64_t seq, const std::function<int64_t()>& next) {
  Tensor t(dtype, {batch, seq});
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (dtype == DType::kInt64)
      t.data<int64_t>()[i] = next();
    else
      t.data<int32_t>()[i] = static_cast<int32_t>(next());
  }
  return t;
}

std::map<std::string, Tensor> synthetic_feeds(const std::vector<GraphValue>& inputs, const std::string& file,
                                              int64_t batch, int64_t seq, int64_t vocabulary) {
  std::mt19937_64 random(kSyntheticSeed);
  const auto id = [&] { return kFirstSyntheticId + static_cast<int64_t>(random() % (vocabulary - kFirstSyntheticId)); };
  std::map<std::string, Tensor> feeds;
  for (const GraphValue& input : inputs) {
    const DType dtype = input.type.dtype;
    if (dtype != DType::kInt64 && dtype != DType::kInt32)
      throw Error(file + ": input '" + input.name + "' has dtype " + dtype_name(dtype) + "; expected token ids");
    if (input.type.shape && input.type.shape->size() != 2)
      throw Error(file + ": input '" + input.name + "' has shape " + input.type.str() + "; expected [batch, seq]");
    if (input.name == "input_ids")
      feeds.emplace(input.name, token_tensor(dtype, batch, seq, id));
    else if (input.name == "attention_mask")
      feeds.emplace(input.name, token_tensor(dtype, batch, seq, [] { return 1; }));
    else if (input.name == "token_type_ids")
      feeds.emplace(input.name, token_tensor(dtype, batch, seq, [] { return 0; }));
    else
      throw Error(file + ": input '" + input.name +
                  "' is not one of input_ids, attention_mask, token_type_ids, which the synthetic bench makes");
  }
  return feeds;
}

size_t logits_output(const Session& session) {
  const auto& outputs = session.outputs();
  const auto named = std::ranges::find(outputs, std::string("logits"), &GraphValue::name);
  return named == outputs.end() ? 0 : static_cast<size_t>(named - outputs.begin());
}

MatMulPrecision matmul_precision(const std::string& name) {
  if (name == "int8") return MatMulPrecision::int8;
  return name == "bf16" ? MatMulPrecision::bf16 : MatMulPrecision::fp32;
}

Workload synthetic_workload(const BenchArgs& args, const std::filesystem::path& onnx_file, ThreadArena& arena,
                            const ScratchDir& scratch) {
  const Graph graph = load_onnx(onnx_file).graph;
  const int64_t vocabulary = id_vocabulary(graph).value_or(kFallbackVocabulary);
  if (vocabulary <= kFirstSyntheticId)
    throw Error(onnx_file.string() + ": the word embedding table has only " + std::to_string(vocabulary) + " rows");
  SessionOptions session_options;
  session_options.precision = matmul_precision(args.precision);
  std::shared_ptr<const Session> session = Session::load(onnx_file, session_options);
  auto feeds = std::make_shared<const std::map<std::string, Tensor>>(
      synthetic_feeds(session->inputs(), onnx_file.string(), args.batch, args.seq, vocabulary));
  for (size_t i = 0; i < session->inputs().size(); ++i) {
    const std::string& name = session->inputs()[i].name;
    write_tensor_file(scratch.path() / ("input_" + std::to_string(i) + ".pb"), feeds->at(name), name);
  }

  Workload w;
  w.description = std::to_string(args.batch) + " x " + std::to_string(args.seq) + " synthetic tokens per batch";
  w.onnx_file = onnx_file;
  w.pairs = static_cast<size_t>(args.batch);
  w.batches = 1;
  w.tokens = static_cast<size_t>(args.batch * args.seq);
  w.flops = MatMulFlops(graph).count(args.batch, args.seq);
  w.ort_args = {"--inputs", scratch.path().string()};
  const size_t output = logits_output(*session);
  w.run_xenc = [session, feeds, output, &arena] {
    const Tensor logits = arena.execute([&] { return session->run(*feeds).at(output); });
    const float* values = logits.data<float>();
    return std::vector<float>(values, values + logits.numel());
  };
  return w;
}

std::vector<std::pair<std::string, std::string>> read_pairs(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for_each_text_record(path, [&](TextRecord&& r) { pairs.push_back(take_pair(std::move(r), path)); });
  if (pairs.empty()) throw Error(display_name(path) + ": no pairs to score");
  return pairs;
}

Workload pairs_workload(const BenchArgs& args, size_t threads, const ScratchDir& scratch) {
  if (is_model_file(args.model))
    throw Error("--pairs needs a model directory with tokenizer files, not an ONNX file: " + args.model);
  CrossEncoderOptions options;
  options.threads = threads;
  options.batch_size = static_cast<size_t>(args.batch);
  options.onnx_file = args.onnx_file;
  options.activation = Activation::none;  // logits, comparable with ONNX Runtime's
  options.precision = args.precision == "int8"   ? Precision::int8
                      : args.precision == "bf16" ? Precision::bf16
                                                 : Precision::fp32;
  auto model = std::make_shared<const CrossEncoder>(args.model, options);
  auto pairs = std::make_shared<const std::vector<std::pair<std::string, std::string>>>(read_pairs(args.pairs));

  // Real token counts, for the FLOPs: each pair on its own, without padding.
  const Tokenizer tokenizer = Tokenizer::from_dir(args.model);
  std::map<size_t, size_t> pairs_of_length;
  for (const auto& [a, b] : *pairs) ++pairs_of_length[tokenizer.encode_pair(a, b, model->max_length()).ids.size()];
  const MatMulFlops flops_of(load_onnx(model->onnx_file()).graph);

  Workload w;
  w.onnx_file = model->onnx_file();
  w.pairs = pairs->size();
  w.batches = (w.pairs + options.batch_size - 1) / options.batch_size;
  w.description = std::to_string(w.pairs) + " pairs of " + display_name(args.pairs) + " in " +
                  std::to_string(w.batches) + " batches of " + std::to_string(args.batch);
  w.flops = 0.0;
  for (const auto& [length, count] : pairs_of_length) {
    w.tokens += length * count;
    const std::optional<double> one = flops_of.count(1, static_cast<int64_t>(length));
    w.flops = one && w.flops ? std::optional(*w.flops + *one * static_cast<double>(count)) : std::nullopt;
  }

  if (args.vs_ort) {
    const std::filesystem::path tokenizer_json = std::filesystem::path(args.model) / "tokenizer.json";
    if (!std::filesystem::exists(tokenizer_json))
      throw Error(tokenizer_json.string() + ": not found; --vs-ort with --pairs tokenizes with HF tokenizers, "
                                            "which reads tokenizer.json");
    const std::filesystem::path pairs_jsonl = scratch.path() / "pairs.jsonl";
    std::ofstream out(pairs_jsonl, std::ios::binary);
    for (const auto& [a, b] : *pairs) out << Json{{"text_a", a}, {"text_b", b}}.dump() << '\n';
    if (!out.flush()) throw Error(pairs_jsonl.string() + ": cannot write");
    w.ort_args = {"--pairs",      pairs_jsonl.string(),
                  "--tokenizer",  tokenizer_json.string(),
                  "--batch",      std::to_string(args.batch),
                  "--max-length", std::to_string(model->max_length()),
                  "--pad-id",     std::to_string(tokenizer.pad_id())};
  }
  w.run_xenc = [model, pairs] { return model->predict(*pairs).values; };
  return w;
}

// bench/ort_runner.py: $XENC_BENCH_ORT_RUNNER, else beside this source file's tree.
std::filesystem::path ort_runner_path() {
  if (const char* env = std::getenv("XENC_BENCH_ORT_RUNNER"); env && *env) return env;
  const std::filesystem::path beside_sources =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "bench" / "ort_runner.py";
  if (!std::filesystem::exists(beside_sources))
    throw Error("cannot find bench/ort_runner.py (looked for " + beside_sources.string() +
                "); set XENC_BENCH_ORT_RUNNER to its path");
  return beside_sources;
}

std::string ort_python(const BenchArgs& args) {
  if (!args.ort_python.empty()) return args.ort_python;
  if (const char* env = std::getenv("XENC_PYTHON"); env && *env) return env;
  return "python3";
}

// Median and 90th percentile (nearest rank) of a runtime's pass times, in seconds.
struct PassTimes {
  double median = 0;
  double p90 = 0;
};

PassTimes summarize(std::vector<double> seconds) {
  std::ranges::sort(seconds);
  const size_t n = seconds.size();
  const double median = n % 2 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
  const size_t p90_rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(n)));
  return {median, seconds[p90_rank - 1]};
}

Json runtime_report(const PassTimes& t, const Workload& w) {
  return Json{{"pairs_per_s", static_cast<double>(w.pairs) / t.median},
              {"ms_per_batch_median", 1e3 * t.median / static_cast<double>(w.batches)},
              {"ms_per_batch_p90", 1e3 * t.p90 / static_cast<double>(w.batches)},
              {"gflops", w.flops ? Json(*w.flops / t.median / 1e9) : Json(nullptr)}};
}

// GFLOP/s of one 4096x384x1536 sgemm (a 32 x 128 batch through the FFN
// up-projection of a 384-wide model) split over the bench's threads the way
// the MatMul kernel splits it: the median of 5 after one warm-up.
double sgemm_gflops(ThreadArena& arena) {
  constexpr int64_t m = 4096, k = 384, n = 1536;
  constexpr size_t kRepeats = 5;
  const std::vector<float> a(m * k, 0.5f), b(k * n, 0.25f);
  std::vector<float> c(m * n);
  const SgemmArgs product = dense_sgemm(false, false, m, n, k, 1.0f, a.data(), b.data(), 0.0f, c.data());
  std::vector<double> seconds;
  for (size_t r = 0; r <= kRepeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    arena.execute([&] { parallel_sgemm(product); });
    if (r > 0) seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return 2.0 * m * n * k / summarize(seconds).median / 1e9;
}

double max_abs_difference(const std::vector<float>& xenc_logits, const Json& ort_logits) {
  if (ort_logits.size() != xenc_logits.size())
    throw Error("ONNX Runtime returned " + std::to_string(ort_logits.size()) + " logits, xenc " +
                std::to_string(xenc_logits.size()));
  double worst = 0;
  for (size_t i = 0; i < xenc_logits.size(); ++i) {
    const double diff = std::abs(static_cast<double>(xenc_logits[i]) - ort_logits[i].get<double>());
    worst = std::isnan(diff) ? diff : std::max(worst, diff);
    if (std::isnan(worst)) break;
  }
  return worst;
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string padded(const std::string& text, size_t width) {
  return std::string(width > text.size() ? width - text.size() : 0, ' ') + text;
}

std::string runtime_row(const std::string& name, const Json& r) {
  std::string row = name + std::string(12 - name.size(), ' ');
  row += padded(fixed(r["pairs_per_s"].get<double>(), 1), 9);
  row += padded(fixed(r["ms_per_batch_median"].get<double>(), 2), 17);
  row += padded(fixed(r["ms_per_batch_p90"].get<double>(), 2), 14);
  row += padded(r["gflops"].is_null() ? "?" : fixed(r["gflops"].get<double>(), 1), 9);
  return row + "\n";
}

void print_text(const Json& report, const Workload& w) {
  std::string out = "xenc bench: " + w.onnx_file.string() + "\n  " + w.description + "; precision: " +
                    report["precision"].get<std::string>() + "; kernels: " + report["isa"].get<std::string>() +
                    " (OpenBLAS: " + report["blas_core"].get<std::string>() + "); threads: " +
                    std::to_string(report["threads"].get<size_t>()) + "; passes per runtime: " +
                    std::to_string(report["runs"].get<size_t>()) + " timed after " +
                    std::to_string(report["warmup"].get<size_t>()) + " warm-up\n";
  out += "             pairs/s  ms/batch median  ms/batch p90  GFLOP/s\n";
  out += runtime_row("xenc", report["xenc"]);
  if (report.contains("ort")) {
    out += runtime_row("onnxruntime", report["ort"]);
    out += "throughput xenc / onnxruntime " + report["ort"]["version"].get<std::string>() + ": " +
           fixed(report["xenc_vs_ort"].get<double>(), 2) + "\n";
    char diff[32];
    std::snprintf(diff, sizeof diff, "%.2e", report["max_abs_diff"].get<double>());
    out += "largest |xenc - onnxruntime| logit difference: " + std::string(diff) + "\n";
  }
  const Json& gflop = report["model_gflop"];
  out += "MatMul/Gemm work per pass: " + (gflop.is_null() ? std::string("unknown") : fixed(gflop.get<double>(), 2)) +
         " GFLOP over " + std::to_string(w.tokens) + " real tokens\n";
  out += "sgemm " + report["sgemm"]["shape"].get<std::string>() + ": " +
         fixed(report["sgemm"]["gflops"].get<double>(), 1) + " GFLOP/s\n";
  std::cout << out;
}

void bench(const BenchArgs& args) {
  const size_t threads = args.threads == 0 ? available_cpus() : args.threads;
  ThreadArena& arena = thread_arena(threads);
  const ScratchDir scratch;
  const Workload w = args.pairs.empty() ? synthetic_workload(args, onnx_file_of(args), arena, scratch)
                                        : pairs_workload(args, threads, scratch);
  std::optional<OrtRunnerClient> ort;
  if (args.vs_ort) {
    std::vector<std::string> runner_args = {w.onnx_file.string(), "--threads", std::to_string(threads),
                                            // ONNX Runtime has no bf16 CPU products: fp32 then
                                            "--precision", args.precision == "int8" ? "int8" : "fp32"};
    runner_args.insert(runner_args.end(), w.ort_args.begin(), w.ort_args.end());
    ort.emplace(ort_python(args), ort_runner_path(), runner_args);
  }

  std::vector<double> xenc_seconds, ort_seconds;
  std::vector<float> xenc_logits;
  for (size_t pass = 0; pass < args.warmup + args.runs; ++pass) {
    const bool timed = pass >= args.warmup;
    // Both runtimes' worker threads spin for a while after a pass (ONNX
    // Runtime's by default, oneTBB's briefly); a pause before each pass keeps
    // one runtime's spinning off the other's timed cores.
    if (ort) std::this_thread::sleep_for(kSettleTime);
    const auto start = std::chrono::steady_clock::now();
    xenc_logits = w.run_xenc();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (timed) xenc_seconds.push_back(seconds);
    if (ort) {
      std::this_thread::sleep_for(kSettleTime);
      const Json reply = ort->request("run");
      if (timed) ort_seconds.push_back(reply.at("seconds").get<double>());
    }
  }

  Json report{{"model", w.onnx_file.string()},
              {"mode", args.pairs.empty() ? "synthetic" : "pairs"},
              {"batch", args.batch},
              {"seq", args.pairs.empty() ? Json(args.seq) : Json(nullptr)},
              {"pairs_file", args.pairs.empty() ? Json(nullptr) : Json(args.pairs)},
              {"pairs", w.pairs},
              {"batches", w.batches},
              {"tokens", w.tokens},
              {"threads", threads},
              {"precision", args.precision},
              {"isa", isa_name(selected_isa())},
              {"blas_core", blas_core()},
              {"runs", args.runs},
              {"warmup", args.warmup},
              {"model_gflop", w.flops ? Json(*w.flops / 1e9) : Json(nullptr)}};
  report["xenc"] = runtime_report(summarize(xenc_seconds), w);
  if (ort) {
    const Json outputs = ort->request("outputs");
    Json ort_report = runtime_report(summarize(ort_seconds), w);
    ort_report["version"] = ort->version();
    ort_report["tokens"] = outputs.at("tokens");
    report["ort"] = ort_report;
    report["xenc_vs_ort"] = report["xenc"]["pairs_per_s"].get<double>() / ort_report["pairs_per_s"].get<double>();
    report["max_abs_diff"] = max_abs_difference(xenc_logits, outputs.at("logits"));
    if (outputs.at("tokens").get<size_t>() != w.tokens)
      std::cerr << "xenc: warning: ONNX Runtime's pass has " << outputs.at("tokens") << " real tokens, xenc's "
                << w.tokens << ": the two tokenizations differ\n";
    // Two int8 runtimes quantize differently, and bf16 is compared with
    // fp32; their difference is only reported.
    if (args.precision == "fp32" && !(report["max_abs_diff"].get<double>() <= kLogitTolerance))
      std::cerr << "xenc: warning: xenc's and ONNX Runtime's logits differ by up to " << report["max_abs_diff"]
                << " (more than " << kLogitTolerance << ")\n";
  }
  report["sgemm"] = Json{{"shape", "4096x384x1536"}, {"gflops", sgemm_gflops(arena)}};

  if (args.json)
    std::cout << report.dump() << "\n";
  else
    print_text(report, w);
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Measure throughput and latency on synthetic batches or a pair file, optionally against ONNX Runtime");
  cmd->add_option("MODEL", args->model,
                  "An ONNX file, or a model directory (config.json, tokenizer files, model.onnx or onnx/model*.onnx)")
      ->required();
  cmd->add_option("--onnx-file", args->onnx_file, "The ONNX file to run, relative to the model directory");
  cmd->add_option("--batch", args->batch, "Pairs per batch")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--seq", args->seq, "Tokens per synthetic pair")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--pairs", args->pairs,
                  "Score this pair file (TSV, JSONL or the STS benchmark CSV) instead of synthetic batches; needs a "
                  "model directory with tokenizer files")
      ->excludes("--seq");
  cmd->add_option("--threads", args->threads, "Threads (default: the CPUs this process may use)")
      ->check(CLI::Range(size_t{1}, size_t{1024}));
  cmd->add_option("--precision", args->precision,
                  "Weight products: fp32; bf16 (ONNX Runtime, which has no bf16 CPU products, runs fp32); or int8 "
                  "(ONNX Runtime runs its own quantize_dynamic model of the same graph)")
      ->check(CLI::IsMember({"fp32", "bf16", "int8"}))
      ->capture_default_str();
  cmd->add_option("--runs", args->runs, "Timed passes per runtime")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--warmup", args->warmup, "Untimed passes per runtime first")->capture_default_str();
  cmd->add_flag("--vs-ort", args->vs_ort,
                "Also run ONNX Runtime (bench/ort_runner.py; $XENC_BENCH_ORT_RUNNER overrides its path) on the same "
                "ONNX file and inputs, taking turns with xenc");
  cmd->add_option("--ort-python", args->ort_python,
                  "Python with onnxruntime (and numpy, onnx, tokenizers) for --vs-ort (default: $XENC_PYTHON, else "
                  "python3)");
  cmd->add_flag("--json", args->json, "One JSON object");
  cmd->callback([args] { bench(*args); });
}

}  // namespace xenc::cli
