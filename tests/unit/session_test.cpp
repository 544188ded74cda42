#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "graph_builders.h"
#include "runtime/arena.h"
#include "runtime/session.h"

namespace xenc {
namespace {

using test::Contains;
using test::error_of;
using test::make_node;

std::vector<float> ramp(size_t n, float scale, float offset) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>((i * 7) % 23) + offset;
  return v;
}

// A small MLP classifier head, symbolic in batch:
//   y = Softmax(Relu(x @ w1 + b1) @ w2), plus the hidden layer as a second output.
Graph mlp_graph() {
  Graph g = test::make_graph(14);
  test::add_input(g, "x", DType::kFloat, {Dim::named("batch"), Dim::known(8)});
  g.initializers["w1"] = test::float_tensor({8, 16}, ramp(128, 0.05f, -0.5f));
  g.initializers["b1"] = test::float_tensor({16}, ramp(16, 0.1f, -1.0f));
  g.initializers["w2"] = test::float_tensor({16, 4}, ramp(64, -0.07f, 0.6f));
  g.nodes.push_back(make_node("MatMul", "mm1", {"x", "w1"}, {"h0"}));
  g.nodes.push_back(make_node("Add", "add1", {"h0", "b1"}, {"h1"}));
  g.nodes.push_back(make_node("Relu", "relu", {"h1"}, {"h"}));
  g.nodes.push_back(make_node("MatMul", "mm2", {"h", "w2"}, {"logits"}));
  g.nodes.push_back(make_node("Softmax", "softmax", {"logits"}, {"y"}, {{"axis", test::int_attr(-1)}}));
  test::add_output(g, "y");
  test::add_output(g, "h");
  return g;
}

Tensor mlp_input(int64_t batch) {
  return test::float_tensor({batch, 8}, ramp(static_cast<size_t>(batch) * 8, 0.13f, -1.2f));
}

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

TEST(Session, ConcurrentRunsMatchSingleThreadedRuns) {
  const Session session(mlp_graph());
  constexpr int64_t kMaxBatch = 5;
  std::vector<std::vector<Tensor>> expected;
  for (int64_t b = 1; b <= kMaxBatch; ++b) {
    expected.push_back(session.run({{"x", mlp_input(b)}}));
    ASSERT_EQ(expected.back().size(), 2u);
    ASSERT_EQ(expected.back()[0].shape(), (Shape{b, 4}));
    ASSERT_EQ(expected.back()[1].shape(), (Shape{b, 16}));
    // Softmax rows sum to 1: the reference itself is sane.
    const float* y = expected.back()[0].data<float>();
    for (int64_t r = 0; r < b; ++r) EXPECT_NEAR(y[r * 4] + y[r * 4 + 1] + y[r * 4 + 2] + y[r * 4 + 3], 1.0f, 1e-5f);
  }
  std::vector<Tensor> inputs;
  for (int64_t b = 1; b <= kMaxBatch; ++b) inputs.push_back(mlp_input(b));

  constexpr int kThreads = 4;
  constexpr int kRuns = 300;
  std::atomic<int> mismatches{0};
  std::atomic<int> failures{0};
  std::atomic<int> runs{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kRuns; ++i) {
          const size_t b = static_cast<size_t>((t + i * (t + 1)) % kMaxBatch);
          const std::vector<Tensor> out = session.run({{"x", inputs[b]}});
          if (out.size() != 2 || !same_bytes(out[0], expected[b][0]) || !same_bytes(out[1], expected[b][1]))
            ++mismatches;
          ++runs;
        }
      } catch (...) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(runs.load(), kThreads * kRuns);
  // The references were not overwritten by later runs reusing their blocks.
  for (int64_t b = 1; b <= kMaxBatch; ++b)
    EXPECT_TRUE(same_bytes(expected[static_cast<size_t>(b - 1)][0], session.run({{"x", mlp_input(b)}})[0]));
}

// ids, mask: int64[batch,seq]; features: float[batch,3].
//   s = ids + mask; f = Relu(features)
Graph feeds_graph() {
  Graph g = test::make_graph(14);
  test::add_input(g, "input_ids", DType::kInt64, {Dim::named("batch"), Dim::named("seq")});
  test::add_input(g, "attention_mask", DType::kInt64, {Dim::named("batch"), Dim::named("seq")});
  test::add_input(g, "features", DType::kFloat, {Dim::named("batch"), Dim::known(3)});
  g.nodes.push_back(make_node("Add", "sum", {"input_ids", "attention_mask"}, {"s"}));
  g.nodes.push_back(make_node("Relu", "relu", {"features"}, {"f"}));
  test::add_output(g, "s");
  test::add_output(g, "f");
  return g;
}

class SessionFeeds : public ::testing::Test {
 protected:
  std::map<std::string, Tensor> good_feeds() const {
    return {{"input_ids", Tensor(DType::kInt64, {2, 5})},
            {"attention_mask", Tensor(DType::kInt64, {2, 5})},
            {"features", Tensor(DType::kFloat, {2, 3})}};
  }
  std::string run_error(const std::map<std::string, Tensor>& feeds) const {
    return error_of([&] { session_.run(feeds); });
  }
  Session session_{feeds_graph()};
};

TEST_F(SessionFeeds, ValidFeedsRun) {
  auto feeds = good_feeds();
  feeds["input_ids"].data<int64_t>()[3] = 4;
  feeds["attention_mask"].data<int64_t>()[3] = 1;
  feeds["features"].data<float>()[1] = -2.0f;
  feeds["features"].data<float>()[2] = 2.0f;
  const auto out = session_.run(feeds);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].shape(), (Shape{2, 5}));
  EXPECT_EQ(out[0].data<int64_t>()[3], 5);
  EXPECT_EQ(out[1].data<float>()[1], 0.0f);
  EXPECT_EQ(out[1].data<float>()[2], 2.0f);
}

TEST_F(SessionFeeds, WrongDtypeNamesInputExpectedAndGot) {
  auto feeds = good_feeds();
  feeds["input_ids"] = Tensor(DType::kInt32, {2, 5});
  const std::string msg = run_error(feeds);
  EXPECT_TRUE(Contains(msg, "'input_ids'"));
  EXPECT_TRUE(Contains(msg, "int64"));
  EXPECT_TRUE(Contains(msg, "int32"));
}

TEST_F(SessionFeeds, WrongRankNamesInputExpectedAndGot) {
  auto feeds = good_feeds();
  feeds["attention_mask"] = Tensor(DType::kInt64, {10});
  const std::string msg = run_error(feeds);
  EXPECT_TRUE(Contains(msg, "'attention_mask'"));
  EXPECT_TRUE(Contains(msg, "[batch,seq]"));
  EXPECT_TRUE(Contains(msg, "[10]"));
}

TEST_F(SessionFeeds, WrongStaticDimNamesInputExpectedAndGot) {
  auto feeds = good_feeds();
  feeds["features"] = Tensor(DType::kFloat, {2, 4});
  const std::string msg = run_error(feeds);
  EXPECT_TRUE(Contains(msg, "'features'"));
  EXPECT_TRUE(Contains(msg, "[batch,3]"));
  EXPECT_TRUE(Contains(msg, "[2,4]"));
}

TEST_F(SessionFeeds, InconsistentSymbolicDimNamesBothInputsAndValues) {
  auto feeds = good_feeds();
  feeds["attention_mask"] = Tensor(DType::kInt64, {3, 5});
  std::string msg = run_error(feeds);
  EXPECT_TRUE(Contains(msg, "'attention_mask'"));
  EXPECT_TRUE(Contains(msg, "'batch'"));
  EXPECT_TRUE(Contains(msg, "expected 2"));
  EXPECT_TRUE(Contains(msg, "got 3"));
  EXPECT_TRUE(Contains(msg, "'input_ids'"));

  // The same symbol across inputs of different dtypes and ranks.
  feeds = good_feeds();
  feeds["features"] = Tensor(DType::kFloat, {4, 3});
  msg = run_error(feeds);
  EXPECT_TRUE(Contains(msg, "'features'"));
  EXPECT_TRUE(Contains(msg, "expected 2"));
  EXPECT_TRUE(Contains(msg, "got 4"));

  feeds = good_feeds();
  feeds["attention_mask"] = Tensor(DType::kInt64, {2, 6});
  msg = run_error(feeds);
  EXPECT_TRUE(Contains(msg, "'seq'"));
  EXPECT_TRUE(Contains(msg, "expected 5"));
  EXPECT_TRUE(Contains(msg, "got 6"));
}

TEST_F(SessionFeeds, MissingInputNamesItAndItsType) {
  auto feeds = good_feeds();
  feeds.erase("attention_mask");
  const std::string msg = run_error(feeds);
  EXPECT_TRUE(Contains(msg, "missing"));
  EXPECT_TRUE(Contains(msg, "'attention_mask'"));
  EXPECT_TRUE(Contains(msg, "int64[batch,seq]"));
}

TEST_F(SessionFeeds, UnknownInputNameListsTheModelsInputs) {
  auto feeds = good_feeds();
  feeds["token_type_ids"] = Tensor(DType::kInt64, {2, 5});
  const std::string msg = run_error(feeds);
  EXPECT_TRUE(Contains(msg, "unknown input 'token_type_ids'"));
  EXPECT_TRUE(Contains(msg, "input_ids, attention_mask, features"));
}

TEST(Arena, FreedBlockIsReused) {
  Arena arena;
  void* first = nullptr;
  {
    Tensor t = arena.allocate(DType::kFloat, {64});
    first = t.raw();
  }
  Tensor again = arena.allocate(DType::kInt32, {32});  // smaller, fits the free block
  EXPECT_EQ(again.raw(), first);
  EXPECT_EQ(arena.block_count(), 1u);
  EXPECT_EQ(arena.reserved_bytes(), 256u);
}

TEST(Arena, BusyBlockIsNotHandedOutTwice) {
  Arena arena;
  Tensor a = arena.allocate(DType::kFloat, {16});
  a.data<float>()[0] = 42.0f;
  const Tensor a_view = a.reshaped({4, 4});  // a view keeps the block busy too
  a = Tensor();
  Tensor b = arena.allocate(DType::kFloat, {16});
  EXPECT_NE(b.raw(), a_view.raw());
  EXPECT_EQ(arena.block_count(), 2u);
  b.data<float>()[0] = -1.0f;
  EXPECT_EQ(a_view.data<float>()[0], 42.0f);
}

TEST(Arena, TakesTheSmallestFreeBlockThatFits) {
  Arena arena;
  void* big = nullptr;
  void* mid = nullptr;
  {
    Tensor t1 = arena.allocate(DType::kFloat, {1024});
    Tensor t2 = arena.allocate(DType::kFloat, {128});
    Tensor t3 = arena.allocate(DType::kFloat, {16});
    big = t1.raw();
    mid = t2.raw();
  }
  EXPECT_EQ(arena.allocate(DType::kFloat, {100}).raw(), mid);
  EXPECT_EQ(arena.allocate(DType::kFloat, {200}).raw(), big);
  EXPECT_EQ(arena.block_count(), 3u);
  // Nothing free is big enough: a new block.
  Tensor held = arena.allocate(DType::kFloat, {1024});
  Tensor huge = arena.allocate(DType::kFloat, {2048});
  EXPECT_EQ(arena.block_count(), 4u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(huge.raw()) % 64, 0u);
}

TEST(Arena, BlockCountStaysFlatAcrossRepeatedRunsOfOneShape) {
  // The session's pattern: intermediates die after their last use, the
  // output escapes to the caller and is dropped before the next run.
  Arena arena;
  std::vector<size_t> counts;
  for (int run = 0; run < 10; ++run) {
    Tensor h0 = arena.allocate(DType::kFloat, {4, 16});
    Tensor h1 = arena.allocate(DType::kFloat, {4, 16});
    h0 = Tensor();
    Tensor logits = arena.allocate(DType::kFloat, {4, 4});
    h1 = Tensor();
    Tensor y = arena.allocate(DType::kFloat, {4, 4});
    logits = Tensor();
    std::vector<Tensor> returned{y};
    y = Tensor();
    counts.push_back(arena.block_count());
    // logits and y fit in the freed blocks of h0 and h1.
    EXPECT_EQ(arena.reserved_bytes(), 2 * 256u) << "run " << run;
  }
  EXPECT_EQ(counts, std::vector<size_t>(10, 2u));
}

TEST(Arena, ShrinksBackAfterALargeRun) {
  Arena arena;
  { Tensor large = arena.allocate(DType::kFloat, {1 << 18}); }  // 1 MiB
  arena.end_run();
  EXPECT_EQ(arena.reserved_bytes(), size_t{1} << 20);
  // A much smaller request does not pin the large block...
  { Tensor small = arena.allocate(DType::kFloat, {1 << 14}); }  // 64 KiB
  EXPECT_EQ(arena.block_count(), 2u);
  // ...which the run did not use, so it is freed when the run ends.
  arena.end_run();
  EXPECT_EQ(arena.reserved_bytes(), size_t{1} << 16);
  // Runs of the same shape keep their blocks and allocate nothing new.
  for (int run = 0; run < 3; ++run) {
    { Tensor again = arena.allocate(DType::kFloat, {1 << 14}); }
    arena.end_run();
    EXPECT_EQ(arena.block_count(), 1u);
  }
}

}  // namespace
}  // namespace xenc
