// CrossEncoder on the real-export fixture directories (tiny HF models with
// their tokenizer files): thread safety, caller order, truncation, input
// checks and rank(). Scores against ONNX Runtime are checked by the ctest
// score.* tests (tests/check_scores.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "runtime/cpu_count.h"
#include "runtime/cross_encoder.h"
#include "runtime/pair_file.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(XENC_TEST_DATA_DIR) / "fixtures";
const fs::path kBert = kFixtures / "real_exports" / "bert_opset17";
const fs::path kRoberta = kFixtures / "real_exports" / "roberta_opset17";

std::vector<std::pair<std::string, std::string>> score_pairs() {
  std::vector<std::pair<std::string, std::string>> pairs;
  for_each_text_record((kFixtures / "pair_files" / "score_pairs.tsv").string(),
                       [&](TextRecord&& r) { pairs.emplace_back(std::move(r.a), r.b.value()); });
  return pairs;
}

TEST(CrossEncoder, ConcurrentPredictGivesTheSingleThreadedScores) {
  const auto pairs = score_pairs();
  CrossEncoderOptions options;
  options.batch_size = 4;  // several batches, so batches also run in parallel
  const CrossEncoder model(kBert, options);
  const CrossEncoder single(kBert, CrossEncoderOptions{.threads = 1, .batch_size = 4});
  const std::vector<float> reference = single.predict(pairs).values;

  constexpr int kThreads = 8, kRounds = 5;
  std::vector<std::vector<std::vector<float>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) results[t].push_back(model.predict(pairs).values);
    });
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t)
    for (int r = 0; r < kRounds; ++r) ASSERT_EQ(results[t][r], reference) << "thread " << t << " round " << r;
}

TEST(CrossEncoder, ScoresFollowTheCallersOrderWhateverTheBatching) {
  auto pairs = score_pairs();
  const CrossEncoder model(kBert);
  const Scores forward = model.predict(pairs);
  std::reverse(pairs.begin(), pairs.end());
  const Scores reversed = CrossEncoder(kBert, {.batch_size = 1}).predict(pairs);
  ASSERT_EQ(forward.size(), pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) EXPECT_NEAR(forward(i), reversed(pairs.size() - 1 - i), 1e-5) << i;
}

TEST(CrossEncoder, EmptyInputGivesNoScores) {
  const CrossEncoder model(kBert);
  const Scores scores = model.predict({});
  EXPECT_EQ(scores.size(), 0u);
  EXPECT_TRUE(model.rank("query", {}).empty());
}

TEST(CrossEncoder, TextsFarLongerThanMaxLengthAreTruncated) {
  const CrossEncoder model(kBert);
  ASSERT_EQ(model.max_length(), 64u);  // tokenizer_config.json model_max_length, within 64 positions
  std::string long_text;
  for (int i = 0; i < 5000; ++i) long_text += "word ";
  const std::vector<std::pair<std::string, std::string>> pairs = {{long_text, long_text}, {"short", long_text}};
  const Scores scores = model.predict(pairs);
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_TRUE(std::isfinite(scores(0)) && std::isfinite(scores(1)));
  // A shorter max_length is honoured, a longer one than the positions refused.
  EXPECT_EQ(CrossEncoder(kBert, {.max_length = 16}).predict(pairs).size(), 2u);
  EXPECT_THROW(CrossEncoder(kBert, {.max_length = 65}), std::runtime_error);
}

TEST(CrossEncoder, InvalidUtf8IsAnErrorNamingThePair) {
  const CrossEncoder model(kBert);
  const std::vector<std::pair<std::string, std::string>> pairs = {{"fine", "fine"}, {"fine", "caf\xe9"}};
  try {
    model.predict(pairs);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "pair 1: second text is not valid UTF-8");
  }
}

TEST(CrossEncoder, SeveralLabelsUseSoftmaxAndTheConfigNames) {
  const CrossEncoder model(kRoberta);
  EXPECT_EQ(model.num_labels(), 3u);
  EXPECT_EQ(model.labels(), (std::vector<std::string>{"contradiction", "entailment", "neutral"}));
  EXPECT_EQ(model.activation(), Activation::softmax);
  const Scores scores = model.predict(score_pairs());
  for (size_t i = 0; i < scores.size(); ++i) {
    const std::span<const float> row = scores.row(i);
    float sum = 0;
    for (float p : row) sum += p;
    EXPECT_NEAR(sum, 1.0f, 1e-6) << i;
  }
  const Scores logits = CrossEncoder(kRoberta, {.activation = Activation::none}).predict(score_pairs());
  ASSERT_EQ(logits.values.size(), scores.values.size());
  EXPECT_NE(logits.values, scores.values);
}

TEST(CrossEncoder, RankSortsBestFirstAndKeepsTopK) {
  const CrossEncoder model(kBert);
  const std::vector<std::string> docs = {"A man plays a guitar.", "A horse runs.", "A man plays a guitar.",
                                         "Cooking pasta."};
  const std::vector<RankedDocument> all = model.rank("A man is playing a guitar.", docs);
  ASSERT_EQ(all.size(), docs.size());
  for (size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i - 1].score, all[i].score);
  // Equal documents tie; the earlier one comes first.
  const auto first = std::ranges::find(all, size_t{0}, &RankedDocument::index);
  const auto second = std::ranges::find(all, size_t{2}, &RankedDocument::index);
  EXPECT_EQ(first->score, second->score);
  EXPECT_LT(first, second);
  const std::vector<RankedDocument> top = model.rank("A man is playing a guitar.", docs, 2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].index, all[0].index);
  EXPECT_EQ(top[1].index, all[1].index);
}

TEST(CrossEncoder, ProgressCountsEveryPair) {
  const CrossEncoder model(kBert, {.batch_size = 3});
  const auto pairs = score_pairs();
  size_t done = 0;
  model.predict(pairs, [&](size_t n) { done += n; });
  EXPECT_EQ(done, pairs.size());
}

TEST(CrossEncoder, DefaultThreadsAreTheAvailableCpus) {
  EXPECT_EQ(CrossEncoder(kBert).threads(), available_cpus());
  EXPECT_EQ(CrossEncoder(kBert, {.threads = 3}).threads(), 3u);
}

}  // namespace
}  // namespace xenc
