// xenc_bench_tokenizer MODEL_DIR PAIRS_FILE [--repeats N] [--max-length N]
//
// Single-threaded pair-encoding throughput: reads every pair first (untimed),
// then times N passes of Tokenizer::encode_pair over all of them and prints
// one JSON line
//   {"tokenizer":..,"pairs":..,"max_length":..,"repeats":..,"median_s":..,"pairs_per_s":..,"tokens":..}
// median_s is the median pass; tokens (total ids of one pass) is a checksum to
// compare with HF `tokenizers` (bench/tokenizer_vs_hf.py).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "runtime/pair_file.h"
#include "runtime/tokenizer/tokenizer.h"

namespace {

struct Args {
  std::filesystem::path model_dir;
  std::string pairs_file;
  size_t repeats = 7;
  std::optional<size_t> max_length;
};

size_t parse_count(std::string_view flag, const char* text) {
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (*text == '\0' || *end != '\0' || *text == '-')
    throw xenc::Error(std::string(flag) + ": '" + text + "' is not a non-negative integer");
  return static_cast<size_t>(value);
}

Args parse_args(int argc, char** argv) {
  Args args;
  std::vector<std::string_view> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--repeats" || arg == "--max-length") {
      if (i + 1 == argc) throw xenc::Error(std::string(arg) + ": missing value");
      const size_t value = parse_count(arg, argv[++i]);
      if (arg == "--repeats")
        args.repeats = value;
      else
        args.max_length = value;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2 || args.repeats == 0)
    throw xenc::Error("usage: xenc_bench_tokenizer MODEL_DIR PAIRS_FILE [--repeats N>0] [--max-length N]");
  args.model_dir = positional[0];
  args.pairs_file = positional[1];
  return args;
}

struct Pair {
  std::string a;
  std::string b;
};

std::vector<Pair> read_pairs(const std::string& path) {
  std::vector<Pair> pairs;
  xenc::for_each_text_record(path, [&](xenc::TextRecord&& r) {
    if (!r.b) throw xenc::Error(path + ":" + std::to_string(r.line) + ": a single text; the benchmark needs pairs");
    pairs.push_back({std::move(r.a), std::move(*r.b)});
  });
  return pairs;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse_args(argc, argv);
    const xenc::Tokenizer tokenizer = xenc::Tokenizer::from_dir(args.model_dir);
    const size_t max_length = args.max_length.value_or(tokenizer.max_length());
    const std::vector<Pair> pairs = read_pairs(args.pairs_file);

    std::vector<double> seconds;
    size_t tokens = 0;
    for (size_t pass = 0; pass < args.repeats; ++pass) {
      size_t pass_tokens = 0;
      const auto start = std::chrono::steady_clock::now();
      for (const Pair& p : pairs) pass_tokens += tokenizer.encode_pair(p.a, p.b, max_length).ids.size();
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      tokens = pass_tokens;  // the same every pass
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds.size() % 2 ? seconds[seconds.size() / 2]
                                             : (seconds[seconds.size() / 2 - 1] + seconds[seconds.size() / 2]) / 2;

    std::filesystem::path dir = std::filesystem::absolute(args.model_dir).lexically_normal();
    if (!dir.has_filename()) dir = dir.parent_path();  // "DIR/"
    const nlohmann::ordered_json result = {
        {"tokenizer", dir.filename().string()},
        {"pairs", pairs.size()},
        {"max_length", max_length},
        {"repeats", args.repeats},
        {"median_s", median},
        {"pairs_per_s", static_cast<double>(pairs.size()) / median},
        {"tokens", tokens},
    };
    std::cout << result.dump() << '\n';
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "xenc_bench_tokenizer: " << e.what() << '\n';
    return 1;
  }
}
