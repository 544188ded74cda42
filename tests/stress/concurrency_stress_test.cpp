// One Session, 8 threads, thousands of runs of a real BERT export with
// shapes changing from run to run (so runs switch between planned and
// arena runs, and contexts move between threads): every output must be
// bit-identical to the same input's single-threaded run.
#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>

#include <atomic>
#include <cstring>
#include <optional>
#include <thread>

#include "runtime/session.h"

namespace xenc {
namespace {

// ThreadSanitizer sees no ordering in oneTBB's own hand-offs between its
// workers (the library is not instrumented), so under it oneTBB gets no
// workers and each run stays on its caller's thread: what it checks is one
// Session shared by 8 threads.
#if defined(__SANITIZE_THREAD__)
constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool kThreadSanitizer = true;
#else
constexpr bool kThreadSanitizer = false;
#endif
#else
constexpr bool kThreadSanitizer = false;
#endif

constexpr int kThreads = 8;
constexpr int kRunsPerThread = 400;

struct Shape2 {
  int64_t batch;
  int64_t sequence;
};
constexpr Shape2 kShapes[] = {{1, 3}, {1, 64}, {2, 8}, {3, 17}, {4, 33}, {2, 5}, {4, 9}, {1, 40}};

// Token ids below the fixture's 3,000-word vocabulary, a padded tail in
// every other row, segment ids 0 then 1.
std::map<std::string, Tensor> feeds_for(const Session& session, Shape2 shape) {
  std::map<std::string, Tensor> feeds;
  for (const GraphValue& input : session.inputs()) {
    Tensor t(DType::kInt64, {shape.batch, shape.sequence});
    int64_t* v = t.data<int64_t>();
    for (int64_t b = 0; b < shape.batch; ++b) {
      const int64_t length = b % 2 ? std::max<int64_t>(2, shape.sequence - 2 * b) : shape.sequence;
      for (int64_t s = 0; s < shape.sequence; ++s) {
        int64_t& x = v[b * shape.sequence + s];
        if (input.name.find("mask") != std::string::npos)
          x = s < length ? 1 : 0;
        else if (input.name.find("type") != std::string::npos)
          x = s >= length / 2 ? 1 : 0;
        else
          x = s < length ? (101 + 37 * b + 131 * s) % 3000 : 0;
      }
    }
    feeds.emplace(input.name, std::move(t));
  }
  return feeds;
}

bool same_bytes(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].dtype() != b[i].dtype() || a[i].shape() != b[i].shape() ||
        std::memcmp(a[i].raw(), b[i].raw(), a[i].nbytes()) != 0)
      return false;
  return true;
}

class ConcurrencyStress : public ::testing::TestWithParam<MatMulPrecision> {};

TEST_P(ConcurrencyStress, EightThreadsMatchTheSingleThreadedRuns) {
  std::optional<tbb::global_control> no_workers;
  if (kThreadSanitizer) no_workers.emplace(tbb::global_control::max_allowed_parallelism, 1);
  SessionOptions options;
  options.precision = GetParam();
  const auto session =
      Session::load(std::string(XENC_TEST_DATA_DIR) + "/fixtures/real_exports/bert_opset17/model.onnx", options);
  constexpr size_t kShapeCount = std::size(kShapes);
  std::vector<std::map<std::string, Tensor>> feeds;
  std::vector<std::vector<Tensor>> expected;
  for (const Shape2 shape : kShapes) {
    feeds.push_back(feeds_for(*session, shape));
    expected.push_back(session->run(feeds.back()));
    ASSERT_EQ(expected.back()[0].shape(), (Shape{shape.batch, 1}));
  }

  std::atomic<int> mismatches{0};
  std::atomic<int> runs{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kRunsPerThread; ++i) {
          // Each thread walks the shapes with its own stride, so neighbours rarely run the same one.
          const size_t s = static_cast<size_t>(t + i * (2 * t + 1)) % kShapeCount;
          if (!same_bytes(session->run(feeds[s]), expected[s])) ++mismatches;
          ++runs;
        }
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << "thread " << t << ": " << e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(runs.load(), kThreads * kRunsPerThread);
  EXPECT_EQ(mismatches.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Precisions, ConcurrencyStress,
                         ::testing::Values(MatMulPrecision::fp32, MatMulPrecision::int8),
                         [](const auto& test_info) { return test_info.param == MatMulPrecision::fp32 ? "fp32" : "int8"; });

}  // namespace
}  // namespace xenc
