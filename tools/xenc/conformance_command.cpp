// xenc conformance [DIR] [--filter RE]: runs ONNX backend node tests (a
// directory of test directories, each with model.onnx and
// test_data_set_<n>/) and ends with "N passed, M failed, K skipped".
#include <iostream>
#include <regex>

#include "runtime/op_support.h"
#include "tools/xenc/commands.h"
#include "tools/xenc/test_data.h"

namespace xenc::cli {

namespace {

struct KnownSkip {
  const char* test;
  const char* reason;
};
constexpr KnownSkip kKnownSkips[] = {
#define XENC_SKIP(test, reason) {test, reason},
#include "tools/xenc/conformance_skips.inc"
#undef XENC_SKIP
};

struct ConformanceArgs {
  std::string dir = "/usr/share/libonnx-testdata/data/node";
  std::string filter;
  bool verbose = false;
  Tolerance tol;  // ONNX's backend tests use rtol 1e-3, atol 1e-7
};

enum class Outcome { kPassed, kFailed, kSkipped };

// Runs one test directory; `detail` explains a failure or skip.
Outcome run_test(const std::filesystem::path& test_dir, const Tolerance& tol, std::string& detail) {
  const std::string name = test_dir.filename().string();
  for (const KnownSkip& skip : kKnownSkips) {
    if (name == skip.test) {
      detail = skip.reason;
      return Outcome::kSkipped;
    }
  }
  const auto model_file = test_dir / "model.onnx";
  try {
    const auto unsupported = find_unsupported_ops(model_file);
    if (!unsupported.empty()) {
      detail = "unsupported op: " + unsupported.front();
      return Outcome::kSkipped;
    }
    const auto session = Session::load(model_file);
    std::vector<std::filesystem::path> sets;
    for (const auto& entry : std::filesystem::directory_iterator(test_dir))
      if (entry.is_directory() && entry.path().filename().string().rfind("test_data_set_", 0) == 0)
        sets.push_back(entry.path());
    std::sort(sets.begin(), sets.end());
    if (sets.empty()) {
      detail = "no test_data_set_<n> directory";
      return Outcome::kFailed;
    }
    for (const auto& set_dir : sets) {
      const TestDataSet data = read_test_data_set(set_dir, *session);
      const std::vector<Tensor> results = session->run(data.feeds);
      if (auto diff = check_outputs(*session, data.expected, results, tol)) {
        detail = set_dir.filename().string() + ": " + *diff;
        return Outcome::kFailed;
      }
    }
  } catch (const std::exception& e) {
    detail = e.what();
    return Outcome::kFailed;
  }
  return Outcome::kPassed;
}

void conformance(const ConformanceArgs& args) {
  const std::regex filter(args.filter.empty() ? ".*" : args.filter);
  std::vector<std::filesystem::path> tests;
  for (const auto& entry : std::filesystem::directory_iterator(args.dir))
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "model.onnx") &&
        std::regex_search(entry.path().filename().string(), filter))
      tests.push_back(entry.path());
  std::sort(tests.begin(), tests.end());
  int passed = 0, failed = 0, skipped = 0;
  for (const auto& test : tests) {
    std::string detail;
    const std::string name = test.filename().string();
    switch (run_test(test, args.tol, detail)) {
      case Outcome::kPassed:
        ++passed;
        if (args.verbose) std::cout << "PASS " << name << "\n";
        break;
      case Outcome::kFailed:
        ++failed;
        std::cout << "FAIL " << name << ": " << detail << "\n";
        break;
      case Outcome::kSkipped:
        ++skipped;
        std::cout << "SKIP " << name << ": " << detail << "\n";
        break;
    }
  }
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped" << std::endl;
  if (failed > 0) throw Error(std::to_string(failed) + " conformance tests failed");
}

}  // namespace

void add_conformance_command(CLI::App& app) {
  auto args = std::make_shared<ConformanceArgs>();
  CLI::App* cmd = app.add_subcommand("conformance", "Run ONNX backend node tests and report pass/fail/skip");
  cmd->add_option("NODE_TEST_DIR", args->dir, "Directory of node tests")->capture_default_str()->check(
      CLI::ExistingDirectory);
  cmd->add_option("--filter", args->filter, "Only tests whose directory name matches this regex");
  cmd->add_option("--atol", args->tol.atol, "Absolute tolerance")->capture_default_str();
  cmd->add_option("--rtol", args->tol.rtol, "Relative tolerance")->capture_default_str();
  cmd->add_flag("--verbose,-v", args->verbose, "Also list passing tests");
  cmd->callback([args] { conformance(*args); });
}

}  // namespace xenc::cli
