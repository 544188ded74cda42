// Truncation. Expected values were obtained from HF tokenizers 0.23.3 with a
// WordLevel model (w<i> -> id i), a WhitespaceSplit pre-tokenizer, no
// post-processor, enable_truncation(max_length, strategy=..., direction=...)
// and encode(a, b).ids, where a = ids 1..n1 and b = ids 11..10+n2.
#include <gtest/gtest.h>

#include <numeric>

#include "graph/error.h"
#include "runtime/tokenizer/truncation.h"

namespace xenc {
namespace {

using Ids = std::vector<int32_t>;

Encoding sequence(int32_t first, size_t n, int32_t type_id) {
  Encoding e;
  e.ids.resize(n);
  std::iota(e.ids.begin(), e.ids.end(), first);
  e.type_ids.assign(n, type_id);
  return e;
}

Ids truncated(size_t n1, size_t n2, const Truncation& params, bool pair = true) {
  Encoding a = sequence(1, n1, 0), b = sequence(11, n2, 1);
  truncate(a, pair ? &b : nullptr, params);
  EXPECT_EQ(a.type_ids, Ids(a.ids.size(), 0));
  EXPECT_EQ(b.type_ids, Ids(b.ids.size(), 1));
  if (pair) a.ids.insert(a.ids.end(), b.ids.begin(), b.ids.end());
  return a.ids;
}

TEST(Truncation, LongestFirstSplitsTheBudgetLikeHf) {
  const Truncation p{7};
  EXPECT_EQ(truncated(0, 0, p), (Ids{}));
  EXPECT_EQ(truncated(0, 2, p), (Ids{11, 12}));
  EXPECT_EQ(truncated(0, 8, p), (Ids{11, 12, 13, 14, 15, 16, 17}));
  EXPECT_EQ(truncated(2, 0, p), (Ids{1, 2}));
  EXPECT_EQ(truncated(2, 2, p), (Ids{1, 2, 11, 12}));
  EXPECT_EQ(truncated(2, 4, p), (Ids{1, 2, 11, 12, 13, 14}));
  EXPECT_EQ(truncated(2, 8, p), (Ids{1, 2, 11, 12, 13, 14, 15}));
  EXPECT_EQ(truncated(4, 4, p), (Ids{1, 2, 3, 11, 12, 13, 14}));
  EXPECT_EQ(truncated(4, 8, p), (Ids{1, 2, 3, 11, 12, 13, 14}));
  EXPECT_EQ(truncated(8, 2, p), (Ids{1, 2, 3, 4, 5, 11, 12}));
  EXPECT_EQ(truncated(8, 4, p), (Ids{1, 2, 3, 4, 11, 12, 13}));
  EXPECT_EQ(truncated(8, 8, p), (Ids{1, 2, 3, 11, 12, 13, 14}));
  EXPECT_EQ(truncated(5, 3, p), (Ids{1, 2, 3, 4, 11, 12, 13}));
  EXPECT_EQ(truncated(3, 5, p), (Ids{1, 2, 3, 11, 12, 13, 14}));
}

TEST(Truncation, LeftDirectionDropsTheStart) {
  const Truncation p{6, Truncation::Strategy::kLongestFirst, Truncation::Direction::kLeft};
  EXPECT_EQ(truncated(5, 5, p), (Ids{3, 4, 5, 13, 14, 15}));
  EXPECT_EQ(truncated(8, 0, p, false), (Ids{3, 4, 5, 6, 7, 8}));
}

TEST(Truncation, OnlyFirstAndOnlySecond) {
  EXPECT_EQ(truncated(8, 2, {6, Truncation::Strategy::kOnlyFirst}), (Ids{1, 2, 3, 4, 11, 12}));
  EXPECT_THROW(truncated(2, 8, {6, Truncation::Strategy::kOnlyFirst}), Error);
  EXPECT_EQ(truncated(2, 8, {6, Truncation::Strategy::kOnlySecond}), (Ids{1, 2, 11, 12, 13, 14}));
  EXPECT_THROW(truncated(8, 0, {6, Truncation::Strategy::kOnlySecond}, false), Error);
}

TEST(Truncation, ZeroEmptiesBoth) { EXPECT_EQ(truncated(8, 8, Truncation{0}), (Ids{})); }

TEST(Truncation, ReadsTheTokenizerJsonSection) {
  const Truncation t = read_truncation({{"max_length", 128}, {"strategy", "OnlySecond"}, {"stride", 0}, {"direction", "Left"}},
                                       "tokenizer.json: truncation");
  EXPECT_EQ(t.max_length, 128u);
  EXPECT_EQ(t.strategy, Truncation::Strategy::kOnlySecond);
  EXPECT_EQ(t.direction, Truncation::Direction::kLeft);
  try {
    read_truncation({{"max_length", 8}, {"strategy", "Sideways"}}, "tokenizer.json: truncation");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "tokenizer.json: truncation.strategy: unknown truncation strategy 'Sideways'");
  }
}

}  // namespace
}  // namespace xenc
