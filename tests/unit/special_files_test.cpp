// Model files that are not regular files: a FIFO in place of the ONNX file
// or of tokenizer.json is refused at once (reading one would wait for a
// writer forever); devices are covered by the hostile corpus.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "graph/onnx_loader.h"
#include "graph_builders.h"
#include "runtime/tokenizer/tokenizer.h"
#include "temp_dir.h"

namespace xenc {
namespace {

using test::Contains;
using test::error_of;

TEST(SpecialFiles, FifoInPlaceOfTheModelIsRefused) {
  const test::TempDir dir;
  const auto fifo = dir.path() / "model.onnx";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(Contains(error_of([&] { load_onnx(fifo); }), "model.onnx: not a regular file"));
}

TEST(SpecialFiles, FifoInPlaceOfTheTokenizerIsRefused) {
  const test::TempDir dir;
  const auto fifo = dir.path() / "tokenizer.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(Contains(error_of([&] { Tokenizer::from_dir(dir.path()); }), "tokenizer.json: not a regular file"));
}

}  // namespace
}  // namespace xenc
