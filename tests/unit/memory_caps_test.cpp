// Memory caps: sizes and their messages, the arena's caps, and a session
// that refuses an initializer, an input or a run over its caps with an error
// naming the tensor (and the node), while runs within them are unchanged.
#include "runtime/memory_caps.h"

#include <gtest/gtest.h>

#include <cstring>

#include "graph_builders.h"
#include "runtime/arena.h"
#include "runtime/session.h"

namespace xenc {
namespace {

using test::Contains;
using test::error_of;

TEST(MemoryCaps, ByteSizesReadAsPeopleWriteThem) {
  EXPECT_EQ(byte_size_str(0), "0 B");
  EXPECT_EQ(byte_size_str(1023), "1023 B");
  EXPECT_EQ(byte_size_str(1024), "1 KiB");
  EXPECT_EQ(byte_size_str(1536), "1.5 KiB");
  EXPECT_EQ(byte_size_str(uint64_t{16} << 40), "16 TiB");
  EXPECT_EQ(byte_size_str(uint64_t{300} << 20), "300 MiB");
  EXPECT_EQ(byte_size_str(UINT64_MAX), "16 EiB");
}

TEST(MemoryCaps, UnsetCapsBecomeTheUsableMemory) {
  const uint64_t usable = usable_memory_bytes();
  EXPECT_GT(usable, uint64_t{1} << 20);
  const MemoryCaps caps = MemoryCaps{0, 5000}.resolved();
  EXPECT_EQ(caps.tensor_bytes, usable);
  EXPECT_EQ(caps.arena_bytes, 5000u);
}

TEST(MemoryCaps, TensorBytesAreCheckedAgainstTheCapAnd63Bits) {
  EXPECT_EQ(checked_tensor_bytes(DType::kFloat, {4, 4}, 64), 64u);
  EXPECT_TRUE(Contains(error_of([] { checked_tensor_bytes(DType::kFloat, {4, 5}, 64); }),
                       "shape [4,5] of float needs 80 B, more than the tensor cap of 64 B"));
  // 2^62 elements of 4 bytes: the element count fits in 63 bits, the byte count does not.
  EXPECT_TRUE(Contains(error_of([] { checked_tensor_bytes(DType::kFloat, {int64_t{1} << 62}, UINT64_MAX); }),
                       "shape [4611686018427387904] of float needs more than 2^63 bytes"));
}

TEST(MemoryCaps, ArenaRefusesATensorOrABlockPastItsCaps) {
  Arena arena(MemoryCaps{1024, 2048});
  EXPECT_TRUE(Contains(error_of([&] { arena.allocate(DType::kFloat, {257}); }),
                       "shape [257] of float needs 1.0 KiB, more than the tensor cap of 1 KiB"));
  Tensor a = arena.allocate(DType::kFloat, {256});
  Tensor b = arena.allocate(DType::kFloat, {256});
  EXPECT_TRUE(Contains(error_of([&] { arena.allocate(DType::kFloat, {1}); }),
                       "the run's values would take 2.0 KiB, more than the arena cap of 2 KiB"));
  // Idle blocks give way before the cap is reached.
  a = Tensor();
  b = Tensor();
  arena.end_run();
  Tensor c = arena.allocate(DType::kFloat, {16});
  Tensor d = arena.allocate(DType::kFloat, {256});
  EXPECT_LE(arena.reserved_bytes(), 2048u);
}

// y = Relu(x @ w), x [batch, 8], w [8, 16] (512 bytes).
Graph relu_layer() {
  Graph g = test::make_graph(14);
  test::add_input(g, "x", DType::kFloat, {Dim::named("batch"), Dim::known(8)});
  g.initializers["w"] = test::float_tensor({8, 16}, std::vector<float>(128, 0.25f));
  g.nodes.push_back(test::make_node("MatMul", "project", {"x", "w"}, {"h"}));
  g.nodes.push_back(test::make_node("Relu", "relu", {"h"}, {"y"}));
  test::add_output(g, "y");
  return g;
}

std::map<std::string, Tensor> ones(int64_t batch) {
  return {{"x", test::float_tensor({batch, 8}, std::vector<float>(static_cast<size_t>(batch) * 8, 1.0f))}};
}

SessionOptions capped(uint64_t tensor_bytes, uint64_t arena_bytes) {
  SessionOptions options;
  options.optimize = false;  // the graph as written: `h` is a value of its own
  options.memory = {tensor_bytes, arena_bytes};
  return options;
}

TEST(MemoryCaps, SessionRefusesAnInitializerOverTheTensorCap) {
  EXPECT_TRUE(Contains(error_of([] { Session(relu_layer(), capped(256, 0)); }),
                       "initializer 'w': shape [8,16] of float needs 512 B, more than the tensor cap of 256 B"));
}

TEST(MemoryCaps, SessionRefusesAnInputOverTheTensorCap) {
  const Session session(relu_layer(), capped(1024, 0));
  EXPECT_TRUE(Contains(error_of([&] { session.run(ones(64)); }),
                       "input 'x': shape [64,8] of float needs 2 KiB, more than the tensor cap of 1 KiB"));
}

TEST(MemoryCaps, RunOverTheArenaCapNamesTheNodeAndTheValue) {
  // Batch 4: h and y take 256 bytes each. Batch 32: h alone takes 2 KiB.
  const Session session(relu_layer(), capped(0, 1024));
  for (int repeat = 0; repeat < 3; ++repeat) {  // the second run of a shape records a plan, the third uses it
    const std::vector<Tensor> out = session.run(ones(4));
    ASSERT_EQ(out[0].shape(), (Shape{4, 16}));
    EXPECT_FLOAT_EQ(out[0].data<float>()[17], 2.0f);
  }
  const std::string error = error_of([&] { session.run(ones(32)); });
  EXPECT_TRUE(Contains(error, "MatMul node 'project'"));
  EXPECT_TRUE(Contains(error, "output 'h': the run's values would take"));
  EXPECT_TRUE(Contains(error, "more than the arena cap of 1 KiB"));
  // The session is still usable after a refused run.
  EXPECT_FLOAT_EQ(session.run(ones(2))[0].data<float>()[0], 2.0f);
}

}  // namespace
}  // namespace xenc
